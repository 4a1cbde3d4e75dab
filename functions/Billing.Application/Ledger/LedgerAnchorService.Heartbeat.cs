using Billing.Solana.Transactions;

namespace Billing.Application.Ledger;

/// <summary>
/// Heartbeats, and the signing and sending that anchors and heartbeats share. A book with nothing new to anchor gets a
/// heartbeat memo (<see cref="HeartbeatMemo"/>) once its newest anchor or heartbeat on chain is older than
/// <see cref="LedgerOptions.HeartbeatInterval"/>, judged by block times (never row times), so verify can tell a quiet book
/// from anchoring that stopped. It needs no row: a lost or repeated one is harmless, the next run judges by the chain again.
/// </summary>
public sealed partial class LedgerAnchorService
{
    /// <summary>The heartbeat memo to send, or null while the newest anchor or heartbeat on chain is recent enough.</summary>
    private string? HeartbeatDue(OnChainAnchor? latest, OnChainHeartbeat? heartbeat)
    {
        DateTimeOffset? newest = new[] { latest?.BlockTime, heartbeat?.BlockTime }.Max();
        if (heartbeat is { BlockTime: null } || (newest is null && latest is not null))
        {
            return null; // on chain but the node gives no block time for the newest: no age to judge by, and no reason to send one every run
        }

        if (newest is { } at && time.GetUtcNow() - at < options.Value.HeartbeatInterval)
        {
            return null;
        }

        return HeartbeatMemo.Format(authority.LedgerName, LedgerEntries.MainBook, latest?.Content.ToSeq ?? 0, latest?.Content.RootHex ?? AnchorMemo.NoPreviousRoot);
    }

    private async Task<AnchorRunSummary> HeartbeatAsync(Keypair signer, string memo, CancellationToken cancellationToken)
    {
        var (transaction, lastValidBlockHeight) = await SignAsync(signer, memo, cancellationToken).ConfigureAwait(false);
        var landed = await SendAsync(memo, transaction, lastValidBlockHeight, cancellationToken).ConfigureAwait(false);
        if (landed is { Outcome: SignatureOutcome.Landed })
        {
            LogHeartbeat(logger, memo, transaction.Id!);
            SeenOnChain(time.GetUtcNow());
            return new AnchorRunSummary(memo, transaction.Id, landed.Status!.Slot, "heartbeat confirmed");
        }

        return new AnchorRunSummary(memo, transaction.Id, null, "heartbeat pending: " + (landed?.Outcome.ToString() ?? "not confirmed yet"));
    }

    /// <summary>A transaction with <paramref name="memo"/> as its one instruction, paid and signed by the anchor authority.</summary>
    private async Task<(Transaction Transaction, ulong LastValidBlockHeight)> SignAsync(Keypair signer, string memo, CancellationToken cancellationToken)
    {
        var blockhash = await rpc.GetLatestBlockhashAsync(Commitment.Confirmed, cancellationToken).ConfigureAwait(false);
        var transaction = new TransactionBuilder().SetFeePayer(signer).SetRecentBlockHash(blockhash.Blockhash)
            .AddInstruction(MemoProgram.NewMemo(memo, signer.PublicKey))
            .BuildTransaction().Sign(signer);
        return (transaction, blockhash.LastValidBlockHeight);
    }

    /// <summary>Sends and waits for the status (null: not confirmed within the wait; the next run decides).</summary>
    private async Task<SignatureCheck?> SendAsync(string memo, Transaction transaction, ulong lastValidBlockHeight, CancellationToken cancellationToken)
    {
        try
        {
            await rpc.SendTransactionAsync(transaction.Serialize(), null, cancellationToken).ConfigureAwait(false);
        }
        catch (SolanaRpcException ex)
        {
            LogSendFailed(logger, memo, ex.Message); // the status check below decides
        }

        try
        {
            return await checker.WaitAsync(transaction.Id!, lastValidBlockHeight, Commitment.Confirmed, TimeSpan.FromMilliseconds(400), cancellationToken)
                .WaitAsync(ConfirmationWait, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ledger heartbeat {Memo}: nothing new to anchor, transaction {Signature}")]
    private static partial void LogHeartbeat(ILogger logger, string memo, string signature);
}
