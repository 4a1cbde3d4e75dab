namespace Billing.Solana.Rpc;

/// <summary>
/// Answers "did this transaction land?" — needed because sendTransaction can fail or time out even though
/// the transaction was processed, and a blind resend of a fresh transaction would burn twice.
/// </summary>
public sealed class SignatureStatusChecker(ISolanaRpcClient rpc)
{
    private readonly ISolanaRpcClient _rpc = rpc ?? throw new ArgumentNullException(nameof(rpc));

    public async Task<SignatureCheck> CheckAsync(string signature, CancellationToken cancellationToken)
    {
        var statuses = await _rpc.GetSignatureStatusesAsync([signature], searchTransactionHistory: true, cancellationToken).ConfigureAwait(false);
        return ToCheck(signature, statuses.Count > 0 ? statuses[0] : null);
    }

    /// <summary>A transaction whose blockhash expired without landing can never land; then NotFound is final.</summary>
    public async Task<bool> IsBlockhashExpiredAsync(ulong lastValidBlockHeight, CancellationToken cancellationToken)
    {
        var height = await _rpc.GetBlockHeightAsync(Commitment.Confirmed, cancellationToken).ConfigureAwait(false);
        return height > lastValidBlockHeight;
    }

    /// <summary>
    /// Polls until the signature reaches <paramref name="commitment"/> or fails, or until its blockhash has expired
    /// (then a final status check decides; NotFound at that point means it was dropped and can be rebuilt safely).
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

            if (check.Outcome == SignatureOutcome.NotFound && await IsBlockhashExpiredAsync(lastValidBlockHeight, cancellationToken).ConfigureAwait(false))
            {
                // Re-check after observing expiry: it may have landed between the two calls.
                return await CheckAsync(signature, cancellationToken).ConfigureAwait(false);
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
