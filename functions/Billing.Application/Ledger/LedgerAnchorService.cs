namespace Billing.Application.Ledger;

/// <summary>
/// Commits the Merkle root of the entries after the book's latest <b>on-chain</b> anchor to Solana as a Memo
/// (<see cref="AnchorMemo"/>) signed by the anchor authority and linked to that anchor's root. Before anchoring it reads
/// the chain's latest anchor (the anchors table is only a hint where to look), recomputes that anchor's root from the
/// entries and checks every new entry's hash and link: if storage disagrees with the chain, it refuses, so a rewritten
/// history is never anchored. Every root is computed here from the entries; a stored pending anchor is resumed only when
/// it is exactly what would be computed (a crash between signing and confirming), otherwise it is discarded. The
/// pending row with its signature is stored before anything is sent; a resend after a crash can at worst put the same
/// memo on chain twice, which verification counts once. First it pins partners' audit chains in the book
/// (<see cref="PartnerAuditPinner"/>), so the root it anchors covers them; a failure there is logged and anchoring goes on.
/// With nothing new to anchor it may send a heartbeat instead (LedgerAnchorService.Heartbeat.cs). Every run also puts back
/// a confirmed row lost below the chain's newest anchor, from the authority's memo (LedgerAnchorService.Rows.cs). A new
/// authority's first anchor goes on only from the book a retired authority last anchored (LedgerAnchorService.Handover.cs).
/// After all that, a book written before appends indexed credit-note and refund entries gets a page of its missing subject
/// index rows (LedgerAnchorService.Index.cs), within what is left of the run's time budget.
/// </summary>
public sealed partial class LedgerAnchorService(
    LedgerStore ledger,
    AnchorStore anchors,
    ISolanaRpcClient rpc,
    AnchorAuthority authority,
    PartnerAuditPinner pinner,
    IOptions<LedgerOptions> options,
    TimeProvider time,
    ILogger<LedgerAnchorService> logger)
{
    private static readonly TimeSpan ConfirmationWait = TimeSpan.FromSeconds(20);
    private readonly SignatureStatusChecker checker = new(rpc);
    private readonly AnchorChainReader chain = new(rpc);
    private DateTimeOffset? lastConfirmed;

    /// <summary>
    /// UTC ticks of the newest anchor or heartbeat of the book seen on chain (block time), or of when this service saw its
    /// own confirmed; 0 for none. One long, read and raised atomically: the metrics export reads it on its own thread.
    /// </summary>
    private long lastOnChainTicks;

    public async Task<AnchorRunSummary> RunAsync(CancellationToken cancellationToken)
    {
        // Anchoring first: it never waits on the backfill (a long page would hold it past the function's timeout, every run).
        var deadline = time.GetUtcNow() + IndexBackfillBudget;
        AnchorRunSummary anchored;
        try
        {
            anchored = await AnchorAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Burns wait for a whole index, not for the chain: the backfill gets its page, then the run fails as it would.
            await BackfillIndexAsync(LedgerEntries.MainBook, deadline, cancellationToken).ConfigureAwait(false);
            throw;
        }

        // With or without an authority.
        string? index = await BackfillIndexAsync(LedgerEntries.MainBook, deadline, cancellationToken).ConfigureAwait(false);
        return anchored with { IndexBackfill = index };
    }

    private async Task<AnchorRunSummary> AnchorAsync(CancellationToken cancellationToken)
    {
        if (!authority.IsConfigured)
        {
            return new AnchorRunSummary(null, null, null, "no anchor authority configured (Billing:Ledger:AnchorKeypair or Billing:Solana)");
        }

        LedgerTelemetry.ObserveAnchorAge(() => lastConfirmed is { } at ? (time.GetUtcNow() - at).TotalSeconds : null);
        string book = LedgerEntries.MainBook;
        LedgerTelemetry.ObserveChainSilence(authority.LedgerName, book, () =>
            Interlocked.Read(ref lastOnChainTicks) is > 0 and var ticks ? (time.GetUtcNow() - new DateTimeOffset(ticks, TimeSpan.Zero)).TotalSeconds : null);
        await PinPartnersAsync(book, cancellationToken).ConfigureAwait(false);
        var signer = await authority.GetAsync(cancellationToken).ConfigureAwait(false);
        string signerKey = signer.PublicKey.ToString();
        LedgerAnchor? stored;
        try
        {
            stored = await anchors.GetLastAsync(book, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            // The table only says where to look and what to resume: the chain decides, and the row is never resumed.
            LogAnchorRowUnreadable(logger, ex.Message);
            stored = null;
        }

        string? hint = await LatestConfirmedSignatureAsync(book, stored, signerKey, cancellationToken).ConfigureAwait(false);
        var (latest, heartbeat) = await chain.TipAsync(signer.PublicKey, authority.LedgerName, book, hint, cancellationToken).ConfigureAwait(false);
        if (latest is not null)
        {
            lastConfirmed ??= latest.BlockTime;
        }

        SeenOnChain(latest?.BlockTime);
        SeenOnChain(heartbeat?.BlockTime);

        long from = (latest?.Content.ToSeq ?? 0) + 1;
        string previousRoot = latest?.Content.RootHex ?? AnchorMemo.NoPreviousRoot;
        var (entries, refusal) = await ReadNewEntriesAsync(book, latest, cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            LogRefused(logger, refusal);
            return new AnchorRunSummary(null, null, null, "refused: " + refusal);
        }

        // The current key's first anchor links to nothing: it goes on only from the book a retired key last anchored.
        if (latest is null && await HandoverRefusalAsync(book, cancellationToken).ConfigureAwait(false) is { } handover)
        {
            LogHandoverRefused(logger, handover);
            return new AnchorRunSummary(null, null, null, "refused: " + handover);
        }

        LedgerAnchor? anchor = null;
        if (stored is { Status: AnchorStatus.Pending } pending)
        {
            // A pending row of another key (the authority changed since) is not this key's to resume.
            bool resumable = pending.MayBeSignedBy(signerKey)
                && pending.Ledger == authority.LedgerName && pending.FromSeq == from && pending.PreviousRootHex == previousRoot
                && pending.ToSeq - from < entries.Count
                && MerkleTree.Root(entries[..(int)(pending.ToSeq - from + 1)]) == pending.RootHex;
            if (resumable)
            {
                anchor = pending with { Signer = signerKey };
            }
            else
            {
                // Already anchored on chain, or not what the entries give (stale or forged): never signed as is.
                await anchors.DeleteAsync(book, pending.ToSeq, cancellationToken).ConfigureAwait(false);
            }
        }

        if (latest is not null)
        {
            await RestoreLostRowsAsync(book, signer.PublicKey, latest, cancellationToken).ConfigureAwait(false);
        }

        if (anchor is null)
        {
            if (entries.Count == 0)
            {
                await CacheAsync(latest, signerKey, cancellationToken).ConfigureAwait(false);
                return HeartbeatDue(latest, heartbeat) is { } memo
                    ? await HeartbeatAsync(signer, memo, cancellationToken).ConfigureAwait(false)
                    : new AnchorRunSummary(null, null, null, "nothing new to anchor");
            }

            var computed = LedgerAnchor.Over(entries, time.GetUtcNow()) with { Ledger = authority.LedgerName, PreviousRootHex = previousRoot, Signer = signerKey };
            await anchors.UpsertAsync(computed, cancellationToken).ConfigureAwait(false);
            anchor = computed;
        }

        // A resumed row's transaction counts only if the chain shows it is this anchor's memo, signed by the authority: the
        // row is storage's word, and a signature of any other transaction that landed would confirm what was never anchored.
        if (anchor.Signature is { } previous
            && await chain.GetAsync(signer.PublicKey, authority.LedgerName, book, previous, cancellationToken).ConfigureAwait(false) is { } resumed
            && resumed.Content == anchor.Content)
        {
            return await ConfirmAsync(anchor, previous, resumed.Slot, cancellationToken).ConfigureAwait(false);
        }

        if (anchor.Signature is { } unconfirmed)
        {
            // Not landed yet, expired, or not this anchor at all: signing the memo again is safe (verify counts a memo once).
            LogResigning(logger, anchor.Memo, unconfirmed);
        }

        var (transaction, lastValidBlockHeight) = await SignAsync(signer, anchor.Memo, cancellationToken).ConfigureAwait(false);
        anchor = anchor with { Signature = transaction.Id };
        await anchors.UpdateAsync(anchor, cancellationToken).ConfigureAwait(false);
        var landed = await SendAsync(anchor.Memo, transaction, lastValidBlockHeight, cancellationToken).ConfigureAwait(false);
        return landed switch
        {
            null => new AnchorRunSummary(anchor.Memo, anchor.Signature, null, "pending: not confirmed yet"),
            { Outcome: SignatureOutcome.Landed } => await ConfirmAsync(anchor, transaction.Id!, landed.Status!.Slot, cancellationToken).ConfigureAwait(false),
            _ => new AnchorRunSummary(anchor.Memo, anchor.Signature, null, "pending: " + landed.Outcome),
        };
    }

    /// <summary>Books the partners' audit pins; never the reason the money entries go unanchored.</summary>
    private async Task PinPartnersAsync(string book, CancellationToken cancellationToken)
    {
        try
        {
            await pinner.PinAsync(book, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An unreadable book refuses the append (and the anchoring below says why); storage trouble is retried next tick.
            LogPinFailed(logger, ex.Message);
        }
    }

    /// <summary>
    /// The entries after <paramref name="latest"/> (at most <see cref="LedgerOptions.MaxEntriesPerAnchor"/>), or why
    /// anchoring must not go on: the entries of the latest on-chain anchor no longer give its root, or a new entry's hash
    /// or link is broken, or a row cannot be read.
    /// </summary>
    private async Task<(List<LedgerEntry> Entries, string? Refusal)> ReadNewEntriesAsync(string book, OnChainAnchor? latest, CancellationToken cancellationToken)
    {
        long start = latest?.Content.FromSeq ?? 1;
        int max = options.Value.MaxEntriesPerAnchor;
        try
        {
            return await ReadNewEntriesAsync(book, latest, start, max, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            // A row that cannot be read is a history that cannot be checked: nothing is signed over it.
            return ([], ex.Message);
        }
    }

    private async Task<(List<LedgerEntry> Entries, string? Refusal)> ReadNewEntriesAsync(string book, OnChainAnchor? latest, long start, int max, CancellationToken cancellationToken)
    {
        // Invariant: only entries up to the head are anchored. The head is read first (it only moves forward, with its entry
        // in the same transaction), so a row planted past it, however well linked, is never put on chain for good.
        var head = await ledger.HeadAsync(book, cancellationToken).ConfigureAwait(false);
        long expected = start;
        string previousHash = LedgerEntry.GenesisHash;
        var anchored = new List<string>();
        var fresh = new List<LedgerEntry>();
        await foreach (var entry in ledger.ReadAsync(book, start, cancellationToken).ConfigureAwait(false))
        {
            if (expected > head.LastSequence)
            {
                break;
            }

            if (entry.Sequence != expected)
            {
                return (fresh, $"sequence {expected} is missing (found {entry.Sequence})");
            }

            if (entry.Sequence == head.LastSequence && entry.Hash != head.LastHash)
            {
                return (fresh, $"entry {entry.Sequence} ('{entry.EntryId}') holds another hash than the book's head records");
            }

            bool inAnchored = latest is not null && entry.Sequence <= latest.Content.ToSeq;
            // Inside the anchored range the root decides; from its last entry on, every hash and link must hold.
            if (!inAnchored && (!entry.HashIsValid || ((entry.Sequence > start || latest is null) && entry.PreviousHash != previousHash)))
            {
                return (fresh, $"entry {entry.Sequence} ('{entry.EntryId}') does not match its hash or its link to the entry before");
            }

            if (inAnchored)
            {
                anchored.Add(entry.Hash);
            }
            else
            {
                fresh.Add(entry);
            }

            previousHash = entry.Hash;
            expected++;
            if (latest is not null && entry.Sequence == latest.Content.ToSeq && (!anchored.All(LedgerEncoding.IsHash) || MerkleTree.Root(anchored) != latest.Content.RootHex))
            {
                return (fresh, $"entries {latest.Range} no longer give the root anchored on chain in transaction {latest.Signature}");
            }

            if (fresh.Count >= max)
            {
                break;
            }
        }

        if (latest is not null && expected <= latest.Content.ToSeq)
        {
            return (fresh, $"entries up to {latest.Content.ToSeq} are anchored on chain but storage ends at {expected - 1}");
        }

        return (fresh, null);
    }

    private async Task<string?> LatestConfirmedSignatureAsync(string book, LedgerAnchor? stored, string signer, CancellationToken cancellationToken)
    {
        if (stored is { Status: AnchorStatus.Confirmed, Signature: { } signature } && stored.Signer == signer)
        {
            return signature;
        }

        // The newest row is pending, unreadable, of another key or of unknown signer: the newest confirmed row of this key is
        // the hint, else one of unknown signer (the chain judges it); rows that cannot be read, or of another key, are no hint
        // (another key's transaction is never in this key's history, so the whole history would be read every run).
        var confirmed = (await anchors.ListRowsAsync(book, cancellationToken).ConfigureAwait(false)).Anchors
            .Where(a => a.IsConfirmedWithSignature).ToList();
        return (confirmed.LastOrDefault(a => a.Signer == signer) ?? confirmed.LastOrDefault(a => a.Signer is null))?.Signature;
    }

    /// <summary>Keeps the table's row of the latest on-chain anchor in step with the chain (a cache for proofs).</summary>
    private async Task CacheAsync(OnChainAnchor? latest, string signer, CancellationToken cancellationToken)
    {
        if (latest is null)
        {
            return;
        }

        var c = latest.Content;
        LedgerAnchor? row;
        try
        {
            row = await anchors.GetAsync(c.Book, c.ToSeq, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            row = null; // an unreadable cache row is replaced by what the chain says
        }

        if (row is { Status: AnchorStatus.Confirmed } && row.Content == c && row.Signature == latest.Signature && row.Signer == signer)
        {
            return;
        }

        await anchors.UpsertAsync(Row(latest, signer), cancellationToken).ConfigureAwait(false);
    }

    private async Task<AnchorRunSummary> ConfirmAsync(LedgerAnchor anchor, string signature, ulong slot, CancellationToken cancellationToken)
    {
        await anchors.UpsertAsync(anchor with { Signature = signature, Slot = slot, Status = AnchorStatus.Confirmed }, cancellationToken).ConfigureAwait(false);
        lastConfirmed = anchor.CreatedAt;
        SeenOnChain(time.GetUtcNow()); // its block time is at most seconds earlier; the next run reads it
        LogAnchored(logger, anchor.FromSeq, anchor.ToSeq, anchor.RootHex, signature);
        return new AnchorRunSummary(anchor.Memo, signature, slot, "confirmed");
    }

    /// <summary>Keeps the newest of what was seen on chain (a later read never makes the book's last sign of life older).</summary>
    private void SeenOnChain(DateTimeOffset? at)
    {
        long ticks = at?.UtcTicks ?? 0;
        for (long seen = Interlocked.Read(ref lastOnChainTicks); ticks > seen; seen = Interlocked.Read(ref lastOnChainTicks))
        {
            if (Interlocked.CompareExchange(ref lastOnChainTicks, ticks, seen) == seen)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ledger entries {From}-{To} anchored: root {Root}, transaction {Signature}")]
    private static partial void LogAnchored(ILogger logger, long from, long to, string root, string signature);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Anchor memo {Memo}: the chain does not show it in transaction {Signature} of the pending anchor row; signing it again")]
    private static partial void LogResigning(ILogger logger, string memo, string signature);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending memo {Memo} returned an error ({Reason}); checking its status")]
    private static partial void LogSendFailed(ILogger logger, string memo, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The newest anchor row cannot be read ({Reason}); anchoring goes by the chain and resumes no pending anchor")]
    private static partial void LogAnchorRowUnreadable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Pinning the partners' audit chains failed ({Reason}); the ledger is anchored without the pins, tried again next run")]
    private static partial void LogPinFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ledger anchoring refused: {Reason}. Storage disagrees with the anchors on chain or cannot be read; run ledger verify")]
    private static partial void LogRefused(ILogger logger, string reason);
}
