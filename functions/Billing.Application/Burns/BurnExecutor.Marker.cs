namespace Billing.Application.Burns;

/// <summary>The burn's marker (<see cref="BurnMarker"/>): paying for it, and reading it from a signed transaction.</summary>
public sealed partial class BurnExecutor
{
    /// <summary>
    /// The rent-exempt minimums, for the marker's one byte and for the treasury's own account, on every cluster today. Never
    /// less whatever the RPC node answers: a marker funded below its minimum fails its transaction, and a treasury left below
    /// its own fails it too, after preflight (a resend skips it), when the burn would end failed for want of SOL.
    /// </summary>
    private const ulong MarkerRentFloor = 897_840;
    private const ulong TreasuryReserveFloor = 890_880;

    private const ulong LamportsPerSignature = 5_000;

    /// <summary>
    /// The lamports the marker is funded with, and, when the treasury cannot pay them and the fee and still keep its own
    /// rent-exempt minimum, why (for the burn's reason): nothing is signed then.
    /// </summary>
    private async Task<(ulong Rent, string? Short)> MarkerRentAsync(TreasuryAccount treasury, CancellationToken cancellationToken)
    {
        ulong rent = Math.Max(await rpc.GetMinimumBalanceForRentExemptionAsync(BurnMarker.Space, cancellationToken).ConfigureAwait(false), MarkerRentFloor);
        ulong reserve = Math.Max(await rpc.GetMinimumBalanceForRentExemptionAsync(0, cancellationToken).ConfigureAwait(false), TreasuryReserveFloor);
        ulong lamports = await rpc.GetBalanceAsync(treasury.Owner.PublicKey, Commitment.Confirmed, cancellationToken).ConfigureAwait(false);
        var o = options.Value;
        UInt128 priorityFee = (((UInt128)o.ComputeUnitPrice * o.ComputeUnitLimit) + 999_999) / 1_000_000; // micro-lamports per unit
        UInt128 needed = (UInt128)rent + LamportsPerSignature + priorityFee + reserve;
        return lamports >= needed
            ? (rent, null)
            : (rent, string.Create(CultureInfo.InvariantCulture, $"insufficient SOL in the treasury {treasury.Owner.PublicKey}: {lamports} lamports available, {needed} needed (the burn marker's rent of {rent}, the fee, and the treasury's own rent-exempt {reserve}); nothing was signed"));
    }

    /// <summary>
    /// The marker the stored transaction sets (none: signed before markers), or why its bytes cannot be read: then nothing is
    /// proven from them nor sent, and the burn stays in flight with the reason until the row is repaired.
    /// </summary>
    private static ((PublicKey Address, int Index)? Marker, string? Unreadable) MarkerOfSigned(BurnIntent intent)
    {
        try
        {
            return (BurnMarker.FindIn(Transaction.Deserialize(Convert.FromBase64String(intent.Transaction ?? "")).Message), null);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException)
        {
            return (null, $"its stored transaction cannot be read ({ex.Message}); nothing is proven from it or sent, and no other burn is sent until the row is repaired");
        }
    }

    /// <summary>
    /// Why a transaction of this burn that failed on chain is no failure of the burn: it failed setting the marker, which
    /// another transaction of this burn set. Null for any other failure.
    /// </summary>
    private static string? MarkerInUse(BurnIntent intent, (PublicKey Address, int Index)? marker, TransactionError? error) =>
        marker is { } m && error is { Kind: TransactionErrorKind.InstructionError, InstructionError.CustomCode: 0 } && error.InstructionIndex == m.Index
            ? $"transaction {intent.Signature} failed because the burn's marker {m.Address} is set: another transaction of this burn landed before it; nothing is signed again, and no other burn is sent until that transaction is found and the burn repaired"
            : null;
}
