namespace Billing.Application.Burns;

/// <summary>The burn's marker (<see cref="BurnMarker"/>): paying for it, and reading it from a signed transaction.</summary>
public sealed partial class BurnExecutor
{
    /// <summary>
    /// The rent-exempt minimums, for the marker's one byte and for the treasury's own account, on every cluster today. Never
    /// less whatever the RPC node answers (a marker funded below its minimum fails its transaction), nor more than twice as
    /// much (the marker's rent is never taken back: a node answering a fortune would pour the treasury into dead accounts).
    /// </summary>
    private const ulong MarkerRentFloor = 897_840;
    private const ulong TreasuryReserveFloor = 890_880;

    private const ulong LamportsPerSignature = 5_000;

    /// <summary>Room for what else the treasury owner pays meanwhile (anchor memos, when no anchor key of their own is set).</summary>
    private const ulong SpendingMargin = 100 * LamportsPerSignature;

    /// <summary>
    /// The lamports the marker is funded with, and, when the treasury cannot pay them and the fee and still keep its own
    /// rent-exempt minimum (a transaction leaving it below fails on chain), or the node's rent is implausible, why (for the
    /// burn's reason): nothing is signed then.
    /// </summary>
    private async Task<(ulong Rent, string? Short)> MarkerRentAsync(TreasuryAccount treasury, CancellationToken cancellationToken)
    {
        ulong rent = await rpc.GetMinimumBalanceForRentExemptionAsync(BurnMarker.Space, cancellationToken).ConfigureAwait(false);
        ulong reserve = await rpc.GetMinimumBalanceForRentExemptionAsync(0, cancellationToken).ConfigureAwait(false);
        if (rent > 2 * MarkerRentFloor || reserve > 2 * TreasuryReserveFloor)
        {
            return (rent, string.Create(CultureInfo.InvariantCulture, $"the RPC node answers rent-exempt minimums of {rent} lamports for one byte and {reserve} for none, more than twice today's {MarkerRentFloor} and {TreasuryReserveFloor}; nothing was signed"));
        }

        (rent, reserve) = (Math.Max(rent, MarkerRentFloor), Math.Max(reserve, TreasuryReserveFloor));
        ulong lamports = await rpc.GetBalanceAsync(treasury.Owner.PublicKey, Commitment.Confirmed, cancellationToken).ConfigureAwait(false);
        var o = options.Value;
        UInt128 priorityFee = (((UInt128)o.ComputeUnitPrice * o.ComputeUnitLimit) + 999_999) / 1_000_000; // micro-lamports per unit
        UInt128 needed = (UInt128)rent + LamportsPerSignature + priorityFee + reserve + SpendingMargin;
        return lamports >= needed
            ? (rent, null)
            : (rent, string.Create(CultureInfo.InvariantCulture, $"insufficient SOL in the treasury {treasury.Owner.PublicKey}: {lamports} lamports available, {needed} needed (the burn marker's rent of {rent}, the fee, the treasury's own rent-exempt {reserve} and {SpendingMargin} for other fees meanwhile); nothing was signed"));
    }

    /// <summary>
    /// The marker the stored transaction sets (none: signed before markers), or why its bytes cannot be read: then nothing is
    /// proven from them nor sent, and the burn stays in flight with the reason until the row is repaired.
    /// </summary>
    private static ((PublicKey Address, int Index)? Marker, string? Unreadable) MarkerOfSigned(BurnIntent intent)
    {
        try
        {
            return (BurnMarker.FindIn(intent.Transaction ?? ""), null);
        }
        catch (Exception ex) when (BurnMarker.IsUnreadable(ex))
        {
            return (null, $"its stored transaction cannot be read ({ex.Message}); nothing is proven from it or sent, and no other burn is sent until the row is repaired");
        }
    }

    /// <summary>
    /// A transaction of this burn failed in a finalized block: these bytes can never land. Failing to set the marker, which
    /// another transaction of this burn set, it is no failure of the burn (whose tokens that other one may have burned): in
    /// flight with the reason. For want of SOL (the treasury short of its own rent-exempt minimum, or of the marker's rent at
    /// its transfer, <c>ResultWithNegativeLamports</c>) nothing was burned and its marker is unset: back to pending, where the
    /// burn waits for SOL with the reason, since any other transaction of it that landed would fail on the marker. Otherwise
    /// the burn ends failed.
    /// </summary>
    private async Task<StepOutcome?> FailedOnChainAsync(BurnIntent intent, ETag etag, (PublicKey Address, int Index)? marker, SignatureStatus status, CancellationToken cancellationToken)
    {
        var error = status.Error;
        if (marker is { } m && error is { Kind: TransactionErrorKind.InstructionError, InstructionError.CustomCode: 0 } && error.InstructionIndex == m.Index)
        {
            string reason = $"transaction {intent.Signature} failed because the burn's marker {m.Address} is set: another transaction of this burn landed before it; nothing is signed again, and no other burn is sent until that transaction is found and the burn repaired";
            LogStaysInFlight(logger, intent.Id, reason);
            return await StayInFlightAsync(intent, etag, reason, cancellationToken).ConfigureAwait(false);
        }

        bool shortOfSol = error is { Kind: TransactionErrorKind.InsufficientFundsForRent or TransactionErrorKind.InsufficientFundsForFee }
            || (marker is { } t && error is { Kind: TransactionErrorKind.InstructionError, InstructionError.CustomCode: 1 } && error.InstructionIndex == t.Index - 1);
        var now = time.GetUtcNow();
        return shortOfSol
            ? await SaveAsync(intent with { Status = BurnStatus.Pending, Transaction = null, Reason = $"transaction {intent.Signature} failed on chain for want of SOL ({error}); nothing was burned; signed again once the treasury can pay", UpdatedAt = now }, etag, null, cancellationToken).ConfigureAwait(false)
            : await SaveAsync(intent with { Status = BurnStatus.Failed, Slot = status.Slot, Reason = $"transaction failed on chain: {error}", UpdatedAt = now }, etag, StepOutcome.Done, cancellationToken).ConfigureAwait(false);
    }
}
