namespace Billing.Storage.Tests.Ledger;

/// <summary>
/// What the ledger store tests check a stored book with (the platform verifies against the chain: LedgerAudit). Reads a book and its anchors and runs every check that needs no chain access: the hash chain
/// (<see cref="HashChain.Verify"/>), the head against the last entry (<see cref="HashChain.VerifyHead"/>) and each
/// anchor's Merkle root against the entries (<see cref="HashChain.VerifyAnchors"/>). Checking that each confirmed anchor's
/// memo is on chain is the caller's (it needs the Solana client): compare <see cref="LedgerAnchor.Memo"/> with the memo of
/// the transaction <see cref="LedgerAnchor.Signature"/>.
/// </summary>
internal sealed class StoredBookVerifier(LedgerStore ledger, AnchorStore anchors)
{
    public async Task<StoredBookVerification> VerifyAsync(string book, CancellationToken cancellationToken)
    {
        var entries = await ledger.ReadAllAsync(book, cancellationToken).ConfigureAwait(false);
        var head = await ledger.HeadAsync(book, cancellationToken).ConfigureAwait(false);
        var anchorList = await anchors.ListAsync(book, cancellationToken).ConfigureAwait(false);
        var problems = new List<LedgerProblem>(HashChain.Verify(entries));
        problems.AddRange(HashChain.VerifyHead(entries, head.LastSequence, head.LastHash));
        problems.AddRange(HashChain.VerifyAnchors(entries, anchorList));
        return new StoredBookVerification(book, entries.Count, anchorList.Count, head, problems);
    }
}

/// <summary>What <see cref="StoredBookVerifier"/> found.</summary>
internal sealed record StoredBookVerification(string Book, int Entries, int Anchors, LedgerHead Head, IReadOnlyList<LedgerProblem> Problems)
{
    public bool Ok => Problems.Count == 0;
}
