namespace Billing.Domain.Ledger;

/// <summary>
/// An entry of one book, chained to its predecessor: <see cref="Hash"/> = SHA-256 over the canonical encoding of every
/// other field including <see cref="PreviousHash"/> (see <see cref="LedgerEncoding"/>). Build new entries with
/// <see cref="Seal"/>; the constructor takes fields as stored, without validation, so that a tampered or broken row can
/// still be represented and reported by <see cref="HashChain.Verify"/>.
/// </summary>
public sealed class LedgerEntry
{
    /// <summary>The <see cref="PreviousHash"/> of sequence 1: 64 zeros.</summary>
    public static readonly string GenesisHash = new('0', 64);

    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new ReadOnlyDictionary<string, string>(new SortedDictionary<string, string>(StringComparer.Ordinal));

    public LedgerEntry(
        string book,
        long sequence,
        string entryId,
        LedgerEntryKind kind,
        DateTimeOffset occurredAt,
        IEnumerable<Posting> postings,
        IReadOnlyDictionary<string, string>? metadata,
        string previousHash,
        string hash)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(entryId);
        ArgumentNullException.ThrowIfNull(postings);
        ArgumentNullException.ThrowIfNull(previousHash);
        ArgumentNullException.ThrowIfNull(hash);
        Book = book;
        Sequence = sequence;
        EntryId = entryId;
        Kind = kind;
        OccurredAt = occurredAt.ToUniversalTime();
        Postings = Array.AsReadOnly<Posting>([.. postings]);
        Metadata = CopyMetadata(metadata);
        PreviousHash = previousHash;
        Hash = hash;
    }

    public string Book { get; }

    /// <summary>1-based position in the book, contiguous.</summary>
    public long Sequence { get; }

    public string EntryId { get; }

    public LedgerEntryKind Kind { get; }

    /// <summary>When the movement happened (UTC); the hash covers it at tick precision.</summary>
    public DateTimeOffset OccurredAt { get; }

    public IReadOnlyList<Posting> Postings { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// When storage last wrote the entry's row (its service-set timestamp: a rewrite moves it), for an entry read from storage;
    /// null for one sealed here. Not hashed: when the entry was booked, which <see cref="OccurredAt"/> (the event's time) is not.
    /// </summary>
    public DateTimeOffset? RecordedAt { get; init; }

    /// <summary>
    /// The row's seal (<see cref="LedgerSealKeys"/>) as stored, null for none; not hashed (a column beside the entry). Null for
    /// an entry sealed here and not yet written.
    /// </summary>
    public string? StoredSeal { get; init; }

    /// <summary>
    /// What <see cref="StoredSeal"/> says, checked by the store that read it with this deployment's keys:
    /// <see cref="EntrySealState.Sealed"/> only for an entry this deployment wrote. Evidence entries count only when sealed.
    /// </summary>
    public EntrySealState SealState { get; init; }

    /// <summary>Whether this deployment's seal is on it (<see cref="SealState"/>).</summary>
    public bool IsSealed => SealState == EntrySealState.Sealed;

    /// <summary>Lower-case hex SHA-256 of the previous entry of the book; <see cref="GenesisHash"/> for sequence 1.</summary>
    public string PreviousHash { get; }

    /// <summary>Lower-case hex SHA-256 of this entry's canonical encoding, as stored.</summary>
    public string Hash { get; }

    /// <summary>Places a validated draft at <paramref name="sequence"/> after the entry whose hash is <paramref name="previousHash"/>.</summary>
    public static LedgerEntry Seal(string book, long sequence, string previousHash, LedgerEntryDraft draft)
    {
        LedgerValidation.RequireBook(book);
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1L);
        if (!LedgerEncoding.IsHash(previousHash))
        {
            throw new ArgumentException($"Previous hash '{previousHash}' is not 64 lower-case hex digits.", nameof(previousHash));
        }

        if (sequence == 1 && previousHash != GenesisHash)
        {
            throw new ArgumentException("Sequence 1 must follow the genesis hash (64 zeros).", nameof(previousHash));
        }

        string hash = LedgerEncoding.Hash(LedgerEncoding.Encode(book, sequence, draft.EntryId, draft.Kind, draft.OccurredAt, previousHash, draft.Postings, draft.Metadata));
        return new LedgerEntry(book, sequence, draft.EntryId, draft.Kind, draft.OccurredAt, draft.Postings, draft.Metadata, previousHash, hash);
    }

    /// <summary>This entry with <paramref name="seal"/> on it, as <paramref name="state"/> says.</summary>
    public LedgerEntry WithSeal(string? seal, EntrySealState state) =>
        new(Book, Sequence, EntryId, Kind, OccurredAt, Postings, Metadata, PreviousHash, Hash) { RecordedAt = RecordedAt, StoredSeal = seal, SealState = state };

    /// <summary>The hash this entry's fields produce now; differs from <see cref="Hash"/> when a field was changed.</summary>
    public string ComputeHash() =>
        LedgerEncoding.Hash(LedgerEncoding.Encode(Book, Sequence, EntryId, Kind, OccurredAt, PreviousHash, Postings, Metadata));

    /// <summary>True when the stored hash matches the fields (false when a field has no encoding, see <see cref="ComputeHash"/>).</summary>
    public bool HashIsValid
    {
        get
        {
            try
            {
                return string.Equals(Hash, ComputeHash(), StringComparison.Ordinal);
            }
            catch (ArgumentException)
            {
                return false; // a field holding an unpaired surrogate: no hash is its hash
            }
        }
    }

    /// <summary>
    /// True when <paramref name="draft"/> books the same thing: same id, kind and postings (as a multiset).
    /// Time and metadata may differ (a retried caller may stamp a later time).
    /// </summary>
    public bool SameBookingAs(LedgerEntryDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        return string.Equals(EntryId, draft.EntryId, StringComparison.Ordinal)
            && Kind == draft.Kind
            && LedgerEncoding.SortPostings(Postings).SequenceEqual(LedgerEncoding.SortPostings(draft.Postings));
    }

    public override string ToString() => $"{Book}#{Sequence} {EntryId} ({Kind}) {Hash}";

    internal static IReadOnlyDictionary<string, string> CopyMetadata(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null || metadata.Count == 0)
        {
            return NoMetadata;
        }

        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in metadata)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(metadata));
            sorted.Add(key, value);
        }

        return new ReadOnlyDictionary<string, string>(sorted);
    }
}
