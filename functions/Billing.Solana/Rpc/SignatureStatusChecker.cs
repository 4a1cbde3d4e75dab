namespace Billing.Solana.Rpc;

/// <summary>
/// Answers "did this transaction land?" — needed because sendTransaction can fail or time out even though
/// the transaction was processed, and a blind resend of a fresh transaction would burn twice.
/// </summary>
public sealed class SignatureStatusChecker(ISolanaRpcClient rpc)
{
    /// <summary>A blockhash is valid for 150 blocks (MAX_PROCESSING_AGE); twice that leaves room for nodes lagging each other.</summary>
    public const ulong MaxBlocksToExpiry = 300;

    private readonly ISolanaRpcClient _rpc = rpc ?? throw new ArgumentNullException(nameof(rpc));

    public async Task<SignatureCheck> CheckAsync(string signature, CancellationToken cancellationToken)
    {
        var statuses = await _rpc.GetSignatureStatusesAsync([signature], searchTransactionHistory: true, cancellationToken).ConfigureAwait(false);
        return ToCheck(signature, statuses.Value.Count > 0 ? statuses.Value[0] : null) with { ContextSlot = statuses.ContextSlot };
    }

    /// <summary>
    /// True only when the transaction can never land (<see cref="CheckExpiryAsync"/>).
    /// </summary>
    public async Task<bool> CanNeverLandAsync(string signature, ulong lastValidBlockHeight, CancellationToken cancellationToken) =>
        (await CheckExpiryAsync(signature, lastValidBlockHeight, cancellationToken).ConfigureAwait(false)).CanNeverLand;

    /// <summary>
    /// Whether the transaction can never land: the <b>finalized</b> block height is past <paramref name="lastValidBlockHeight"/>,
    /// and after that the signature still has no status on a node that has seen at least the slot of that finalized block.
    /// Finalized, because every block that could hold it is then either finalized (the status history finds it) or on a fork
    /// the cluster has dropped; a confirmed height could be on a fork the status node is not on, whose block holding it is
    /// finalized later. The re-check catches a landing between the two calls; the slot, a status from a node lagging the
    /// one that answered the height (nodes behind one RPC endpoint). When only that lag stands in the way, says so.
    /// </summary>
    public async Task<ExpiryCheck> CheckExpiryAsync(string signature, ulong lastValidBlockHeight, CancellationToken cancellationToken)
    {
        var epoch = await _rpc.GetEpochInfoAsync(Commitment.Finalized, cancellationToken).ConfigureAwait(false);
        if (epoch.BlockHeight <= lastValidBlockHeight)
        {
            return new(false, null);
        }

        var check = await CheckAsync(signature, cancellationToken).ConfigureAwait(false);
        if (check.Outcome != SignatureOutcome.NotFound)
        {
            return new(false, null);
        }

        return check.ContextSlot >= epoch.AbsoluteSlot
            ? new(true, null)
            : new(false, string.Create(CultureInfo.InvariantCulture,
                $"expiry not provable yet: the finalized block height {epoch.BlockHeight} is past {lastValidBlockHeight}, but the node that answered the status had seen slot {check.ContextSlot}, not {epoch.AbsoluteSlot}"));
    }

    /// <summary>
    /// Whether a transaction on a blockhash valid to <paramref name="lastValidBlockHeight"/> can be proven expired soon
    /// (<see cref="CanNeverLandAsync"/>): no more than <see cref="MaxBlocksToExpiry"/> blocks past the block height now. One
    /// signed on a blockhash valid further than that (an RPC answer no cluster gives) could stay in flight for ever.
    /// </summary>
    public async Task<bool> ExpiresSoonAsync(ulong lastValidBlockHeight, CancellationToken cancellationToken)
    {
        var epoch = await _rpc.GetEpochInfoAsync(Commitment.Confirmed, cancellationToken).ConfigureAwait(false);
        return lastValidBlockHeight <= epoch.BlockHeight || lastValidBlockHeight - epoch.BlockHeight <= MaxBlocksToExpiry;
    }

    /// <summary>
    /// Polls until the signature reaches <paramref name="commitment"/> or fails, or until it can never land
    /// (<see cref="CanNeverLandAsync"/>: then NotFound is final, and it can be rebuilt safely).
    /// </summary>
    public async Task<SignatureCheck> WaitAsync(
        string signature,
        ulong lastValidBlockHeight,
        Commitment commitment,
        TimeSpan pollInterval,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var check = await CheckAsync(signature, cancellationToken).ConfigureAwait(false);
            if (check.Outcome == SignatureOutcome.Failed ||
                (check.Outcome == SignatureOutcome.Landed && check.Status!.HasReached(commitment)))
            {
                return check;
            }

            if (check.Outcome == SignatureOutcome.NotFound && await CanNeverLandAsync(signature, lastValidBlockHeight, cancellationToken).ConfigureAwait(false))
            {
                return check;
            }

            await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static SignatureCheck ToCheck(string signature, SignatureStatus? status) => status switch
    {
        null => new SignatureCheck(signature, SignatureOutcome.NotFound, null),
        { Error: null } => new SignatureCheck(signature, SignatureOutcome.Landed, status),
        _ => new SignatureCheck(signature, SignatureOutcome.Failed, status),
    };
}
