namespace Billing.Domain.Ledger;

/// <summary>
/// Verifies one book against its on-chain anchors while the entries stream past in sequence order, holding only the
/// hashes of the anchor range being read (plus entry ids), never the whole book. Checks every entry (hash, link to the
/// one before, rules, that it is of the book verified), each anchor's Merkle root against the entries it covers, that no anchor covers entries that do not
/// exist, and that every entry recorded before <c>now − maxUnanchoredAge</c> is covered by an anchor.
/// </summary>
public sealed class LedgerStreamVerifier
{
    private readonly string book;
    private readonly AnchorRangeCheck anchors;
    private readonly IReadOnlyList<AnchorRangeCheck> alsoChecked;
    private readonly DateTimeOffset unanchoredCutoff;
    private readonly List<LedgerProblem> problems = [];
    private readonly HashSet<string> ids = new(StringComparer.Ordinal);
    private long expectedSequence = 1;
    private string? previousHash = LedgerEntry.GenesisHash; // null after a row whose hash cannot be read: the next link is not checked
    private (long Sequence, string? EntryId, string? Hash) last = (0, null, LedgerEntry.GenesisHash);
    private (long Sequence, string? EntryId)? firstStaleUnanchored;

    /// <param name="book">The book verified: an entry of another book in its rows is reported (<see cref="LedgerProblemKind.WrongBook"/>).</param>
    /// <param name="linkedAnchors">The book's anchors as <see cref="AnchorChain.Link"/> returns them (ascending, not overlapping).</param>
    /// <param name="now">The verification instant.</param>
    /// <param name="maxUnanchoredAge">How long an entry may wait for its anchor: the anchoring interval plus a grace period.</param>
    /// <param name="alsoChecked">
    /// Other keys' anchors of the book (a retired authority's) to check against the same rows, in the same pass: only
    /// their ranges, each reporting into its own <see cref="AnchorRangeCheck.Problems"/>; they cover nothing for
    /// <see cref="LedgerProblemKind.NotAnchored"/>.
    /// </param>
    public LedgerStreamVerifier(string book, IReadOnlyList<OnChainAnchor> linkedAnchors, DateTimeOffset now, TimeSpan maxUnanchoredAge, IReadOnlyList<AnchorRangeCheck>? alsoChecked = null)
    {
        ArgumentNullException.ThrowIfNull(book);
        this.book = book;
        anchors = new AnchorRangeCheck(linkedAnchors, problems);
        this.alsoChecked = alsoChecked ?? [];
        unanchoredCutoff = now - maxUnanchoredAge;
    }

    public int Entries { get; private set; }

    /// <summary>
    /// The sequence of the last row added (0 before any). A head read after the rows that is past it names rows appended
    /// while they were read: add those (up to the head) before <see cref="Complete"/>, or a live book reads as tampered.
    /// </summary>
    public long LastSequence => last.Sequence;

    /// <summary>The highest sequence an on-chain anchor covers (0 when none).</summary>
    public long AnchoredThrough => anchors.AnchoredThrough;

    /// <summary>Adds the next entry (ascending sequence); <paramref name="recordedAt"/> is when storage wrote it.</summary>
    public void Add(LedgerEntry entry, DateTimeOffset recordedAt)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Entries++;
        if (!ids.Add(entry.EntryId))
        {
            problems.Add(new LedgerProblem(LedgerProblemKind.DuplicateEntryId, entry.Sequence, entry.EntryId, "entry id used by an earlier sequence too"));
        }

        // One entry at a time, so HashChain's one-book check has nothing to compare: the book is compared here.
        if (!string.Equals(entry.Book, book, StringComparison.Ordinal))
        {
            problems.Add(new LedgerProblem(LedgerProblemKind.WrongBook, entry.Sequence, entry.EntryId, $"belongs to book '{entry.Book}', the rows are of book '{book}'"));
        }

        problems.AddRange(HashChain.Verify([entry], expectedSequence, previousHash ?? entry.PreviousHash));
        if (entry.Sequence < expectedSequence)
        {
            return; // reported above; the chain continues from the entry before
        }

        Place(entry.Sequence, entry.EntryId, entry.Hash, recordedAt);
    }

    /// <summary>
    /// Adds the next row (ascending sequence) when it cannot be read (<see cref="LedgerProblemKind.EntryUnreadable"/>,
    /// with <paramref name="reason"/> naming the row and the property): it is reported, and verification goes on past it,
    /// with its id and stored hash where they could still be read (a null hash: the anchor covering it cannot be
    /// recomputed, and the next entry's link is not checked).
    /// </summary>
    public void AddUnreadable(long sequence, string? entryId, string? storedHash, string reason, DateTimeOffset recordedAt)
    {
        ArgumentNullException.ThrowIfNull(reason);
        Entries++;
        problems.Add(new LedgerProblem(LedgerProblemKind.EntryUnreadable, sequence, entryId, reason));
        if (entryId is not null && !ids.Add(entryId))
        {
            problems.Add(new LedgerProblem(LedgerProblemKind.DuplicateEntryId, sequence, entryId, "entry id used by an earlier sequence too"));
        }

        if (sequence < expectedSequence)
        {
            return; // a row where an earlier one already stands: reported above as unreadable
        }

        if (sequence > expectedSequence)
        {
            string missing = sequence - 1 == expectedSequence
                ? expectedSequence.ToString(CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"{expectedSequence}..{sequence - 1}");
            problems.Add(new LedgerProblem(LedgerProblemKind.SequenceGap, sequence, entryId, $"sequence {missing} missing before sequence {sequence}"));
        }

        Place(sequence, entryId, storedHash, recordedAt);
    }

    /// <summary>Puts the row at <paramref name="sequence"/> into its anchor range (or the unanchored tail) and moves the chain on to it.</summary>
    private void Place(long sequence, string? entryId, string? hash, DateTimeOffset recordedAt)
    {
        foreach (var other in alsoChecked)
        {
            other.Place(sequence, hash);
        }

        if (!anchors.Place(sequence, hash) && sequence > AnchoredThrough && firstStaleUnanchored is null && recordedAt < unanchoredCutoff)
        {
            firstStaleUnanchored = (sequence, entryId);
        }

        expectedSequence = HashChain.Next(sequence);
        previousHash = hash;
        last = (sequence, entryId, hash);
    }

    /// <summary>Finishes: anchors past the last entry, the head (when known), unanchored old entries. Returns every problem.</summary>
    public IReadOnlyList<LedgerProblem> Complete(long? headSequence = null, string? headHash = null)
    {
        anchors.Complete();
        foreach (var other in alsoChecked)
        {
            other.Complete();
        }

        if (headSequence is { } hs && headHash is not null)
        {
            // The hash of a last row that cannot be read is unknown (reported as unreadable): only its sequence is compared.
            if (last.Sequence != hs || last.Hash is { } lastHash && !string.Equals(lastHash, headHash, StringComparison.Ordinal))
            {
                problems.Add(new LedgerProblem(LedgerProblemKind.HeadMismatch, hs, last.EntryId,
                    string.Create(CultureInfo.InvariantCulture, $"the head records sequence {hs} with hash {headHash}, the last entry is sequence {last.Sequence} with hash {last.Hash ?? "(unreadable)"}")));
            }
        }

        if (firstStaleUnanchored is { } stale)
        {
            problems.Add(new LedgerProblem(LedgerProblemKind.NotAnchored, stale.Sequence, stale.EntryId,
                string.Create(CultureInfo.InvariantCulture, $"recorded before {unanchoredCutoff:u} but no anchor on chain covers it (anchored through sequence {AnchoredThrough})")));
        }

        return [.. problems.OrderBy(p => p.Sequence)];
    }
}
