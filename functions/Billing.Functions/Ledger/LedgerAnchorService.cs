using Billing.Domain.Ledger;
using Billing.Functions.Burns;
using Billing.Functions.Infrastructure;
using Billing.Solana.Programs;
using Billing.Solana.Rpc;
using Billing.Solana.Transactions;
using Billing.Storage.Ledger;

namespace Billing.Functions.Ledger;

public sealed record AnchorRunSummary(string? Memo, string? Signature, ulong? Slot, string Status);

/// <summary>
/// Commits the Merkle root of the entries appended since the last anchor to Solana as a Memo
/// (<c>billing:anchor:v1:{fromSeq}-{toSeq}:{rootHex}</c>) signed by the treasury. The anchor is stored (pending) before
/// anything is sent; a pending anchor is finished before a new one starts. A resend after a crash can at worst put the
/// same memo on chain twice, which verification accepts: anchors carry no value.
/// </summary>
public sealed partial class LedgerAnchorService(
    LedgerStore ledger,
    AnchorStore anchors,
    ISolanaRpcClient rpc,
    TreasuryProvider treasury,
    TimeProvider time,
    ILogger<LedgerAnchorService> logger)
{
    private static readonly TimeSpan ConfirmationWait = TimeSpan.FromSeconds(20);
    private readonly SignatureStatusChecker checker = new(rpc);
    private DateTimeOffset? lastConfirmed;

    public async Task<AnchorRunSummary> RunAsync(CancellationToken cancellationToken)
    {
        if (!treasury.IsConfigured)
        {
            return new AnchorRunSummary(null, null, null, "no treasury configured (Billing:Solana)");
        }

        BillingTelemetry.ObserveAnchorAge(() => lastConfirmed is { } at ? (time.GetUtcNow() - at).TotalSeconds : null);
        string book = LedgerEntries.MainBook;
        var last = await anchors.GetLastAsync(book, cancellationToken).ConfigureAwait(false);
        if (last is { Status: AnchorStatus.Confirmed })
        {
            lastConfirmed ??= last.CreatedAt;
        }

        var anchor = last is { Status: AnchorStatus.Pending } ? last : null;
        if (anchor is null)
        {
            var entries = new List<LedgerEntry>();
            await foreach (var entry in ledger.ReadAsync(book, (last?.ToSeq ?? 0) + 1, cancellationToken).ConfigureAwait(false))
            {
                entries.Add(entry);
            }

            if (entries.Count == 0)
            {
                return new AnchorRunSummary(null, null, null, "nothing new to anchor");
            }

            (anchor, _) = await anchors.AddAsync(LedgerAnchor.Over(entries, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        }

        if (anchor.Signature is { } previous)
        {
            var check = await checker.CheckAsync(previous, cancellationToken).ConfigureAwait(false);
            if (check.Outcome == SignatureOutcome.Landed)
            {
                return await ConfirmAsync(anchor, previous, check.Status!.Slot, cancellationToken).ConfigureAwait(false);
            }
        }

        var owner = await treasury.GetAsync(cancellationToken).ConfigureAwait(false);
        var blockhash = await rpc.GetLatestBlockhashAsync(Commitment.Confirmed, cancellationToken).ConfigureAwait(false);
        var transaction = new TransactionBuilder().SetFeePayer(owner.Owner).SetRecentBlockHash(blockhash.Blockhash)
            .AddInstruction(MemoProgram.NewMemo(anchor.Memo, owner.Owner.PublicKey))
            .BuildTransaction().Sign(owner.Owner);
        anchor = anchor with { Signature = transaction.Id };
        await anchors.UpdateAsync(anchor, cancellationToken).ConfigureAwait(false);
        try
        {
            await rpc.SendTransactionAsync(transaction.Serialize(), null, cancellationToken).ConfigureAwait(false);
        }
        catch (SolanaRpcException ex)
        {
            LogSendFailed(logger, anchor.Memo, ex.Message); // the status check below decides
        }

        SignatureCheck landed;
        try
        {
            landed = await checker.WaitAsync(transaction.Id!, blockhash.LastValidBlockHeight, Commitment.Confirmed, TimeSpan.FromMilliseconds(400), cancellationToken)
                .WaitAsync(ConfirmationWait, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return new AnchorRunSummary(anchor.Memo, anchor.Signature, null, "pending: not confirmed yet");
        }

        return landed.Outcome == SignatureOutcome.Landed
            ? await ConfirmAsync(anchor, transaction.Id!, landed.Status!.Slot, cancellationToken).ConfigureAwait(false)
            : new AnchorRunSummary(anchor.Memo, anchor.Signature, null, "pending: " + landed.Outcome);
    }

    private async Task<AnchorRunSummary> ConfirmAsync(LedgerAnchor anchor, string signature, ulong slot, CancellationToken cancellationToken)
    {
        await anchors.UpdateAsync(anchor with { Signature = signature, Slot = slot, Status = AnchorStatus.Confirmed }, cancellationToken).ConfigureAwait(false);
        lastConfirmed = anchor.CreatedAt;
        LogAnchored(logger, anchor.FromSeq, anchor.ToSeq, anchor.RootHex, signature);
        return new AnchorRunSummary(anchor.Memo, signature, slot, "confirmed");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ledger entries {From}-{To} anchored: root {Root}, transaction {Signature}")]
    private static partial void LogAnchored(ILogger logger, long from, long to, string root, string signature);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending anchor memo {Memo} returned an error ({Reason}); checking its status")]
    private static partial void LogSendFailed(ILogger logger, string memo, string reason);
}
