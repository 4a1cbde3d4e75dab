namespace Billing.Domain.Ledger;

/// <summary>
/// Orders one book's on-chain anchors and checks that they link: the first starts at sequence 1 with no previous root,
/// each next one starts right after the one before and carries its root. Identical memos (a resend after a crash)
/// count once. Yields the anchors to verify entries against and the problems found.
/// </summary>
public static class AnchorChain
{
    public static (IReadOnlyList<OnChainAnchor> Anchors, IReadOnlyList<LedgerProblem> Problems) Link(IEnumerable<OnChainAnchor> anchorsOfOneBook)
    {
        ArgumentNullException.ThrowIfNull(anchorsOfOneBook);
        var ordered = anchorsOfOneBook.OrderBy(a => a.Content.FromSeq).ThenBy(a => a.Slot).ThenBy(a => a.Signature, StringComparer.Ordinal).ToList();
        var linked = new List<OnChainAnchor>(ordered.Count);
        var problems = new List<LedgerProblem>();
        long expectedFrom = 1;
        string expectedPrevious = AnchorMemo.NoPreviousRoot;
        foreach (OnChainAnchor anchor in ordered)
        {
            AnchorMemoContent c = anchor.Content;
            if (linked.Count > 0 && linked[^1].Content == c)
            {
                continue; // the same memo landed twice
            }

            if (c.FromSeq < expectedFrom)
            {
                OnChainAnchor other = linked.Last(a => a.Content.ToSeq >= c.FromSeq);
                problems.Add(Problem(LedgerProblemKind.AnchorConflict, c.ToSeq,
                    $"anchor {anchor.Range} (transaction {anchor.Signature}) overlaps anchor {other.Range} (transaction {other.Signature})"));
                continue;
            }

            if (c.FromSeq > expectedFrom)
            {
                problems.Add(Problem(LedgerProblemKind.AnchorLinkBroken, c.ToSeq,
                    string.Create(CultureInfo.InvariantCulture, $"no anchor on chain covers sequences {expectedFrom}-{c.FromSeq - 1} before anchor {anchor.Range} (transaction {anchor.Signature})")));
            }
            else if (!string.Equals(c.PreviousRootHex, expectedPrevious, StringComparison.Ordinal))
            {
                problems.Add(Problem(LedgerProblemKind.AnchorLinkBroken, c.ToSeq,
                    $"anchor {anchor.Range} (transaction {anchor.Signature}) links to previous root {c.PreviousRootHex}, the anchor before it has root {expectedPrevious}"));
            }

            linked.Add(anchor);
            expectedFrom = c.ToSeq + 1;
            expectedPrevious = c.RootHex;
        }

        return (linked, problems);
    }

    private static LedgerProblem Problem(LedgerProblemKind kind, long sequence, string message) => new(kind, sequence, null, message);
}
