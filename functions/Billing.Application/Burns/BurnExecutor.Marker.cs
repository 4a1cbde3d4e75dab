namespace Billing.Application.Burns;

/// <summary>The burn's marker (<see cref="BurnMarker"/>): paying for it, and what the chain says when it exists already.</summary>
public sealed partial class BurnExecutor
{
    /// <summary>
    /// The rent-exempt minimum of an account without data on every cluster today. The marker is funded with at least this
    /// much whatever the RPC node answers: an account created with nothing is gone at the end of its transaction, and with
    /// it the protection and the proof.
    /// </summary>
    private const ulong MarkerRentFloor = 890_880;

    private const ulong LamportsPerSignature = 5_000;

    /// <summary>
    /// The lamports the marker is funded with, and, when the treasury cannot pay them and the fee now, why (for the burn's
    /// reason): a transaction it cannot pay for fails in preflight and would only be re-sent until it expires.
    /// </summary>
    private async Task<(ulong Rent, string? Short)> MarkerRentAsync(TreasuryAccount treasury, CancellationToken cancellationToken)
    {
        ulong rent = Math.Max(await rpc.GetMinimumBalanceForRentExemptionAsync(0, cancellationToken).ConfigureAwait(false), MarkerRentFloor);
        ulong lamports = await rpc.GetBalanceAsync(treasury.Owner.PublicKey, Commitment.Confirmed, cancellationToken).ConfigureAwait(false);
        var o = options.Value;
        UInt128 priorityFee = (((UInt128)o.ComputeUnitPrice * o.ComputeUnitLimit) + 999_999) / 1_000_000; // micro-lamports per unit
        UInt128 needed = (UInt128)rent + LamportsPerSignature + priorityFee;
        return lamports >= needed
            ? (rent, null)
            : (rent, string.Create(CultureInfo.InvariantCulture, $"insufficient SOL in the treasury {treasury.Owner.PublicKey}: {lamports} lamports available, {needed} needed (the burn marker's rent of {rent} and the fee); nothing was signed"));
    }

    /// <summary>
    /// Why a transaction of this burn that failed on chain is no failure of the burn: it failed creating the marker, which
    /// exists because another transaction of this burn landed (or someone funded the address since it was first broadcast).
    /// Null for any other failure. The burn is not ended failed then: its tokens may have been burned by that other one.
    /// </summary>
    private static string? MarkerInUse(BurnIntent intent, TreasuryAccount treasury, TransactionError? error)
    {
        var marker = BurnMarker.For(treasury.Owner, intent.Id);
        return error is { Kind: TransactionErrorKind.InstructionError, InstructionError.CustomCode: 0 } && error.InstructionIndex == marker.IndexIn(intent.Transaction)
            ? $"transaction {intent.Signature} failed because the burn's marker {marker.Address} exists: a transaction of this burn landed before it (or the address was funded by someone else); nothing is signed again, and no other burn is sent until that transaction is found and the burn repaired"
            : null;
    }
}
