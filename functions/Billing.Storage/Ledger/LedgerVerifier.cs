namespace Billing.Storage.Ledger;

/// <summary>
/// Reads a book and its anchors and runs every check that needs no chain access: the hash chain
/// (<see cref="HashChain.Verify"/>), the head against the last entry (<see cref="HashChain.VerifyHead"/>) and each
/// anchor's Merkle root against the entries (<see cref="HashChain.VerifyAnchors"/>). Checking that each confirmed anchor's
/// memo is on chain is the caller's (it needs the Solana client): compare <see cref="LedgerAnchor.Memo"/> with the memo of
/// the transaction <see cref="LedgerAnchor.Signature"/>.
/// </summary>
public sealed class LedgerVerifier(LedgerStore ledger, AnchorStore anchors)
{
    public async Task<LedgerVerification> VerifyAsync(string book, CancellationToken cancellationToken)
    {
        var entries = await ledger.ReadAllAsync(book, cancellationToken).ConfigureAwait(false);
        var head = await ledger.HeadAsync(book, cancellationToken).ConfigureAwait(false);
        var anchorList = await anchors.ListAsync(book, cancellationToken).ConfigureAwait(false);
        var problems = new List<LedgerProblem>(HashChain.Verify(entries));
        problems.AddRange(HashChain.VerifyHead(entries, head.LastSequence, head.LastHash));
        problems.AddRange(HashChain.VerifyAnchors(entries, anchorList));
        return new LedgerVerification(book, entries.Count, anchorList.Count, head, problems);
    }
}
