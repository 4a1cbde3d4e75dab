namespace Billing.Domain.Ledger;

/// <summary>
/// Verifies one book against its on-chain anchors while the entries stream past in sequence order, holding only the
/// hashes of the anchor range being read (plus entry ids), never the whole book. Checks every entry (hash, link to the
/// one before, rules), each anchor's Merkle root against the entries it covers, that no anchor covers entries that do not
/// exist, and that every entry recorded before <c>now − maxUnanchoredAge</c> is covered by an anchor.
/// </summary>
public sealed class LedgerStreamVerifier
{
    private readonly IReadOnlyList<OnChainAnchor> anchors;
    private readonly DateTimeOffset unanchoredCutoff;
    private readonly List<LedgerProblem> problems = [];
    private readonly HashSet<string> ids = new(StringComparer.Ordinal);
    private readonly List<string> rangeHashes = [];
    private int anchorIndex;
    private long expectedSequence = 1;
    private string previousHash = LedgerEntry.GenesisHash;
    private LedgerEntry? last;
    private LedgerEntry? firstStaleUnanchored;

    /// <param name="linkedAnchors">The book's anchors as <see cref="AnchorChain.Link"/> returns them (ascending, not overlapping).</param>
    /// <param name="now">The verification instant.</param>
    /// <param name="maxUnanchoredAge">How long an entry may wait for its anchor: the anchoring interval plus a grace period.</param>
    public LedgerStreamVerifier(IReadOnlyList<OnChainAnchor> linkedAnchors, DateTimeOffset now, TimeSpan maxUnanchoredAge)
    {
        ArgumentNullException.ThrowIfNull(linkedAnchors);
        anchors = linkedAnchors;
        unanchoredCutoff = now - maxUnanchoredAge;
    }

    public int Entries { get; private set; }

    /// <summary>The highest sequence an on-chain anchor covers (0 when none).</summary>
    public long AnchoredThrough => anchors.Count == 0 ? 0 : anchors[^1].Content.ToSeq;

    /// <summary>Adds the next entry (ascending sequence); <paramref name="recordedAt"/> is when storage wrote it.</summary>
    public void Add(LedgerEntry entry, DateTimeOffset recordedAt)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Entries++;
        if (!ids.Add(entry.EntryId))
        {
            problems.Add(new LedgerProblem(LedgerProblemKind.DuplicateEntryId, entry.Sequence, entry.EntryId, "entry id used by an earlier sequence too"));
        }

        problems.AddRange(HashChain.Verify([entry], expectedSequence, previousHash));
        if (entry.Sequence < expectedSequence)
        {
            return; // reported above; the chain continues from the entry before
        }

        CloseAnchorsBefore(entry.Sequence);
        if (anchorIndex < anchors.Count && anchors[anchorIndex].Content.FromSeq <= entry.Sequence)
        {
            rangeHashes.Add(entry.Hash);
            if (entry.Sequence == anchors[anchorIndex].Content.ToSeq)
            {
                CloseAnchor(complete: rangeHashes.Count == anchors[anchorIndex].Content.ToSeq - anchors[anchorIndex].Content.FromSeq + 1);
            }
        }
        else if (entry.Sequence > AnchoredThrough && firstStaleUnanchored is null && recordedAt < unanchoredCutoff)
        {
            firstStaleUnanchored = entry;
        }

        expectedSequence = entry.Sequence + 1;
        previousHash = entry.Hash;
        last = entry;
    }

    /// <summary>Finishes: anchors past the last entry, the head (when known), unanchored old entries. Returns every problem.</summary>
    public IReadOnlyList<LedgerProblem> Complete(long? headSequence = null, string? headHash = null)
    {
        CloseAnchorsBefore(long.MaxValue);
        if (headSequence is { } hs && headHash is not null)
        {
            long lastSequence = last?.Sequence ?? 0;
            string lastHash = last?.Hash ?? LedgerEntry.GenesisHash;
            if (lastSequence != hs || !string.Equals(lastHash, headHash, StringComparison.Ordinal))
            {
                problems.Add(new LedgerProblem(LedgerProblemKind.HeadMismatch, hs, last?.EntryId,
                    string.Create(CultureInfo.InvariantCulture, $"the head records sequence {hs} with hash {headHash}, the last entry is sequence {lastSequence} with hash {lastHash}")));
            }
        }

        if (firstStaleUnanchored is { } stale)
        {
            problems.Add(new LedgerProblem(LedgerProblemKind.NotAnchored, stale.Sequence, stale.EntryId,
                string.Create(CultureInfo.InvariantCulture, $"recorded before {unanchoredCutoff:u} but no anchor on chain covers it (anchored through sequence {AnchoredThrough})")));
        }

        return [.. problems.OrderBy(p => p.Sequence)];
    }

    private void CloseAnchorsBefore(long sequence)
    {
        while (anchorIndex < anchors.Count && anchors[anchorIndex].Content.ToSeq < sequence)
        {
            CloseAnchor(complete: false);
        }
    }

    private void CloseAnchor(bool complete)
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
                $"anchor {anchor.Range} (transaction {anchor.Signature}) covers an entry whose stored hash is malformed"));
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
