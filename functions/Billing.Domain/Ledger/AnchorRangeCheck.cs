namespace Billing.Domain.Ledger;

/// <summary>
/// One key's linked anchors of a book checked against the book's rows while they stream past in sequence order, holding
/// only the hashes of the anchor range being read: each anchor's Merkle root must be what the entries it covers give
/// (<see cref="LedgerProblemKind.AnchorRootMismatch"/>), and none may cover entries that do not exist
/// (<see cref="LedgerProblemKind.AnchorIncomplete"/>). <see cref="LedgerStreamVerifier"/> runs one over the authority's
/// anchors and feeds the same rows to those it is given besides (a retired authority's, whose anchors the current key's
/// do not link to).
/// </summary>
public sealed class AnchorRangeCheck
{
    private readonly IReadOnlyList<OnChainAnchor> anchors;
    private readonly List<LedgerProblem> problems;
    private readonly List<string> rangeHashes = [];
    private int anchorIndex;

    /// <param name="linkedAnchors">The book's anchors as <see cref="AnchorChain.Link"/> returns them (ascending, not overlapping).</param>
    public AnchorRangeCheck(IReadOnlyList<OnChainAnchor> linkedAnchors)
        : this(linkedAnchors, [])
    {
    }

    /// <summary>Adds its problems to <paramref name="sink"/>, in the order they are found among the caller's own.</summary>
    internal AnchorRangeCheck(IReadOnlyList<OnChainAnchor> linkedAnchors, List<LedgerProblem> sink)
    {
        ArgumentNullException.ThrowIfNull(linkedAnchors);
        anchors = linkedAnchors;
        problems = sink;
    }

    /// <summary>The anchors checked.</summary>
    public int Count => anchors.Count;

    /// <summary>The highest sequence an anchor covers (0 when none).</summary>
    public long AnchoredThrough => anchors.Count == 0 ? 0 : anchors[^1].Content.ToSeq;

    /// <summary>What is wrong so far; complete once the verifier that feeds it has completed.</summary>
    public IReadOnlyList<LedgerProblem> Problems => problems;

    /// <summary>
    /// Puts the row at <paramref name="sequence"/> (ascending; a null <paramref name="hash"/>: it cannot be read) into
    /// its anchor's range, first closing the anchors that end before it. Returns whether an anchor covers it.
    /// </summary>
    internal bool Place(long sequence, string? hash)
    {
        CloseBefore(sequence);
        if (anchorIndex >= anchors.Count || anchors[anchorIndex].Content.FromSeq > sequence)
        {
            return false;
        }

        rangeHashes.Add(hash ?? "");
        var c = anchors[anchorIndex].Content;
        if (sequence == c.ToSeq)
        {
            Close(complete: rangeHashes.Count == c.ToSeq - c.FromSeq + 1);
        }

        return true;
    }

    /// <summary>Closes every anchor not closed yet: each covers entries past the last row.</summary>
    internal void Complete() => CloseBefore(long.MaxValue);

    private void CloseBefore(long sequence)
    {
        while (anchorIndex < anchors.Count && anchors[anchorIndex].Content.ToSeq < sequence)
        {
            Close(complete: false);
        }
    }

    private void Close(bool complete)
    {
        OnChainAnchor anchor = anchors[anchorIndex];
        if (!complete)
        {
            problems.Add(new LedgerProblem(LedgerProblemKind.AnchorIncomplete, anchor.Content.ToSeq, null,
                $"anchor {anchor.Range} (transaction {anchor.Signature}) covers entries that are missing"));
        }
        else if (!rangeHashes.All(LedgerEncoding.IsHash))
        {
            problems.Add(new LedgerProblem(LedgerProblemKind.AnchorRootMismatch, anchor.Content.ToSeq, null,
                $"anchor {anchor.Range} (transaction {anchor.Signature}) covers an entry whose stored hash is malformed or cannot be read"));
        }
        else if (MerkleTree.Root(rangeHashes) is var root && !string.Equals(root, anchor.Content.RootHex, StringComparison.Ordinal))
        {
            problems.Add(new LedgerProblem(LedgerProblemKind.AnchorRootMismatch, anchor.Content.ToSeq, null,
                $"anchor {anchor.Range} (transaction {anchor.Signature}) records root {anchor.Content.RootHex} on chain, the entries give {root}: entries {anchor.Range} were changed"));
        }

        rangeHashes.Clear();
        anchorIndex++;
    }
}
