namespace Billing.Solana.Rpc;

/// <summary>
/// Answers "did this transaction land?" — needed because sendTransaction can fail or time out even though
/// the transaction was processed, and a blind resend of a fresh transaction would burn twice.
/// </summary>
public sealed class SignatureStatusChecker(ISolanaRpcClient rpc)
{
    /// <summary>A blockhash is valid for 150 blocks (MAX_PROCESSING_AGE); twice that leaves room for nodes lagging each other.</summary>
    public const ulong MaxBlocksToExpiry = 300;

    /// <summary>
    /// How far below its blockhash's last valid height a node's history must reach: a transaction lands within 150 blocks
    /// of its blockhash, and twice <see cref="MaxBlocksToExpiry"/> leaves room for a node that answered the blockhash with a
    /// later height than its own; 1,024 more because a node purging its ledger stops serving statuses above its first
    /// block before that first block moves (agave raises the cleanup slot, then deletes).
    /// </summary>
    private const ulong HistoryWindow = (2 * MaxBlocksToExpiry) + 1024;

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
        (await CheckExpiryAsync(signature, lastValidBlockHeight, null, cancellationToken).ConfigureAwait(false)).CanNeverLand;

    /// <summary>
    /// Whether the transaction can never land: the <b>finalized</b> block height is past <paramref name="lastValidBlockHeight"/>,
    /// and after that the signature still has no status on a node that has seen at least the slot of that finalized block and
    /// still keeps the blocks it could have landed in; or, for a transaction that allocates the account <paramref name="marker"/>
    /// (<see cref="Programs.SystemProgram.AllocateWithSeed"/>), that account has no data in the finalized state at that slot,
    /// which needs no history. With data, a transaction allocating it landed: this one, or an earlier one setting the same
    /// marker, whose status the node no longer has.
    /// Finalized, because every block that could hold it is then either finalized (the status history finds it) or on a fork
    /// the cluster has dropped; a confirmed height could be on a fork the status node is not on, whose block holding it is
    /// finalized later. The re-check catches a landing between the two calls; the slot, a status from a node lagging the
    /// one that answered the height (nodes behind one RPC endpoint). When only that lag stands in the way, says so.
    /// </summary>
    public async Task<ExpiryCheck> CheckExpiryAsync(string signature, ulong lastValidBlockHeight, PublicKey? marker, CancellationToken cancellationToken)
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

        if (check.ContextSlot < epoch.AbsoluteSlot)
        {
            return new(false, string.Create(CultureInfo.InvariantCulture,
                $"expiry not provable yet: the finalized block height {epoch.BlockHeight} is past {lastValidBlockHeight}, but the node that answered the status had seen slot {check.ContextSlot}, not {epoch.AbsoluteSlot}"));
        }

        if (marker is not null)
        {
            return await CheckMarkerAsync(signature, marker, epoch.AbsoluteSlot, cancellationToken).ConfigureAwait(false);
        }

        var gap = await FindHistoryGapAsync(lastValidBlockHeight, cancellationToken).ConfigureAwait(false);
        return new(gap is null, gap);
    }

    /// <summary>
    /// The marker read from the finalized state of a slot at least <paramref name="slot"/> (the one whose height is past the
    /// transaction's last valid height): a node that has not reached it refuses (-32016), and an answer from an older state
    /// (a proxy that drops <c>minContextSlot</c>) proves nothing. Set means it has data: lamports alone anyone can send.
    /// </summary>
    private async Task<ExpiryCheck> CheckMarkerAsync(string signature, PublicKey marker, ulong slot, CancellationToken cancellationToken)
    {
        AccountState state;
        try
        {
            state = await _rpc.GetAccountStateAsync(marker, Commitment.Finalized, slot, cancellationToken).ConfigureAwait(false);
        }
        catch (SolanaRpcException ex) when (ex.Code == SolanaRpcException.MinContextSlotNotReached)
        {
            state = new AccountState(0, null);
        }

        if (state.ContextSlot < slot)
        {
            return new(false, string.Create(CultureInfo.InvariantCulture,
                $"expiry not provable yet: the node asked for the marker {marker} answered from slot {state.ContextSlot}, not {slot} or later"));
        }

        return state.Account is { Data.Length: > 0 }
            ? new(false, $"a transaction of this burn landed: its marker {marker} is set on chain, but the RPC node has no status for {signature} (a node whose history does not reach back to it); not signed again")
            : new(true, null);
    }

    /// <summary>
    /// Null when the node still keeps every block the transaction could have landed in; otherwise why that is not shown. A
    /// node with a limited ledger forgets old transactions, and its "no status" then says nothing: a burn that landed while the
    /// executor was down for days would be signed again. Checked after the status, so a pruning between the two is seen.
    /// Nodes behind one endpoint are assumed to keep alike history (the status answer names no node to ask).
    /// </summary>
    private async Task<string?> FindHistoryGapAsync(ulong lastValidBlockHeight, CancellationToken cancellationToken)
    {
        ulong from = lastValidBlockHeight > HistoryWindow ? lastValidBlockHeight - HistoryWindow : 0;
        ulong? firstSlot = null;
        ulong? firstHeight = null;
        try
        {
            firstSlot = await _rpc.GetFirstAvailableBlockAsync(cancellationToken).ConfigureAwait(false);
            if (firstSlot <= from)
            {
                return null; // a block's height is never above its slot
            }

            firstHeight = await _rpc.GetBlockHeightAtSlotAsync(firstSlot.Value, Commitment.Finalized, cancellationToken).ConfigureAwait(false);
            if (firstHeight <= from)
            {
                return null;
            }
        }
        catch (SolanaRpcException ex)
        {
            // Not an answer about history (a node without it refuses getBlock, -32011): nothing is shown.
            return string.Create(CultureInfo.InvariantCulture, $"expiry not provable: the RPC node did not say how far its history goes back ({ex.Message})");
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"expiry not provable: the RPC node's history starts at slot {firstSlot} (block height {(firstHeight?.ToString(CultureInfo.InvariantCulture) ?? "unknown")}), after block height {from} (the blocks the transaction could have landed in, and a purge's margin below them); a node that keeps history back to there can prove it");
    }

    /// <summary>
    /// Null when a transaction on a blockhash valid to <paramref name="lastValidBlockHeight"/> can land and be proven expired
    /// soon; otherwise why not, for the caller's reason. Not when the chain's block height has reached it already (a node far
    /// behind the cluster answered the blockhash: the transaction could never land). Nor when it is more than
    /// <see cref="MaxBlocksToExpiry"/> blocks ahead (an RPC answer no cluster gives): expiry could not be proven for it, and
    /// it would stay in flight for ever.
    /// </summary>
    public async Task<string?> CheckBlockhashAsync(ulong lastValidBlockHeight, CancellationToken cancellationToken)
    {
        var epoch = await _rpc.GetEpochInfoAsync(Commitment.Confirmed, cancellationToken).ConfigureAwait(false);
        return lastValidBlockHeight <= epoch.BlockHeight
            ? string.Create(CultureInfo.InvariantCulture, $"the RPC node's blockhash is valid to block height {lastValidBlockHeight}, which the chain has passed (block height {epoch.BlockHeight}): a node behind the cluster answered it")
            : lastValidBlockHeight - epoch.BlockHeight > MaxBlocksToExpiry
                ? string.Create(CultureInfo.InvariantCulture, $"the RPC node's blockhash is valid to block height {lastValidBlockHeight}, which the chain will not reach soon (block height {epoch.BlockHeight})")
                : null;
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
