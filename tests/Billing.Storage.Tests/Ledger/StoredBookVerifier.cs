namespace Billing.Storage.Tests.Ledger;

/// <summary>
/// What the ledger store tests check a stored book with: the platform's streaming verifier (<see cref="LedgerStreamVerifier"/>,
/// as LedgerAudit runs it) over the stored entries, the stored head and the stored anchor rows' roots. The platform checks
/// the anchors' memos on chain instead of the anchor rows, and the age of unanchored entries; neither is a storage concern.
/// </summary>
internal sealed class StoredBookVerifier(LedgerStore ledger, AnchorStore anchors)
{
    public async Task<StoredBookVerification> VerifyAsync(string book, CancellationToken cancellationToken)
    {
        var entries = await ledger.ReadAllAsync(book, cancellationToken).ConfigureAwait(false);
        var head = await ledger.HeadAsync(book, cancellationToken).ConfigureAwait(false);
        var anchorList = await anchors.ListAsync(book, cancellationToken).ConfigureAwait(false);
        var asOnChain = anchorList.OrderBy(a => a.FromSeq).Select(a => new OnChainAnchor(a.Content, a.Signature ?? "(unsigned)", a.Slot ?? 0, null)).ToList();

        // No entry is older than the cutoff at the earliest instant: the age of unanchored entries is not checked here.
        var verifier = new LedgerStreamVerifier(book, asOnChain, DateTimeOffset.MinValue, TimeSpan.Zero);
        foreach (var entry in entries)
        {
            verifier.Add(entry, DateTimeOffset.MinValue);
        }

        return new StoredBookVerification(book, entries.Count, anchorList.Count, head, verifier.Complete(head.LastSequence, head.LastHash));
    }
}

/// <summary>What <see cref="StoredBookVerifier"/> found.</summary>
internal sealed record StoredBookVerification(string Book, int Entries, int Anchors, LedgerHead Head, IReadOnlyList<LedgerProblem> Problems)
{
    public bool Ok => Problems.Count == 0;
}
