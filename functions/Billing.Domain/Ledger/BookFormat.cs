namespace Billing.Domain.Ledger;

/// <summary>
/// The book's own record of its format (docs/design.md §4.8). Since 2026-12-06 appends write the subject index rows of
/// credit-note and refund entries (<see cref="LedgerIndex"/>) with the entry, and credit notes credit their refunded part to
/// <see cref="Accounts.ClearingRefunds"/> (before: <see cref="Accounts.CashStripe"/>). The first entry a book gets from that
/// code carries <see cref="Key"/> in its metadata (or, when it has no room, a <see cref="LedgerEntryKind.BookFormatChanged"/>
/// entry carrying it goes just before it): the change-over, hash-chained and anchored like any entry. In a book created so it
/// is entry 1; in a book written before, entries below it may lack their index rows (the anchor run writes them, then appends
/// <see cref="BackfillCompleted"/>) and credit notes below it may have the older shape; none at or after it may.
/// </summary>
public static class BookFormat
{
    /// <summary>The metadata key marking the change-over entry.</summary>
    public const string Key = "bookFormat";

    /// <summary>What the marker says: appends index credit-note and refund entries; refunded parts clear through clearing:refunds.</summary>
    public const string Current = "indexed,refunds-cleared";

    private const string ChangedIdPrefix = "book-format-changed:";
    private const string BackfillIdPrefix = "index-backfill-completed:";
    private const string ChangeOverKey = "changeOver";
    private const string ThroughKey = "indexedThrough";
    private const string HashKey = "indexedThroughHash";
    private const string ResealedSuffix = ":sealed";

    /// <summary>Whether <paramref name="entry"/> marks the change-over: it carries the marker and its hash matches what it holds.</summary>
    public static bool Marks(LedgerEntry entry) => MetadataMark.On(entry, Key, Current);

    /// <summary><paramref name="draft"/> with the marker; null when its metadata has no room for one more key.</summary>
    public static LedgerEntryDraft? Marked(LedgerEntryDraft draft) => MetadataMark.Add(draft, Key, Current);

    /// <summary>An entry of its own marking the change-over, to be sequenced at <paramref name="sequence"/> (its id names it, so a later one never collides).</summary>
    public static LedgerEntryDraft Changed(long sequence, DateTimeOffset occurredAt) => new(
        ChangedIdPrefix + sequence.ToString(CultureInfo.InvariantCulture),
        LedgerEntryKind.BookFormatChanged,
        occurredAt,
        [],
        new Dictionary<string, string>(StringComparer.Ordinal) { [Key] = Current });

    /// <summary>The id of the entry saying the index is whole below the change-over at <paramref name="changeOver"/>.</summary>
    public static string BackfillId(long changeOver) => BackfillIdPrefix + changeOver.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The id of the same claim appended again, sealed, when the one under <see cref="BackfillId"/> carries no seal of this
    /// deployment (written before entries were sealed, or planted): only a sealed claim lifts the burn hold.
    /// </summary>
    public static string ResealedBackfillId(long changeOver) => BackfillId(changeOver) + ResealedSuffix;

    /// <summary>Both ids a claim for the change-over at <paramref name="changeOver"/> may be under, the first one first.</summary>
    public static IReadOnlyList<string> BackfillIds(long changeOver) => [BackfillId(changeOver), ResealedBackfillId(changeOver)];

    /// <summary>
    /// The anchor run's word that every entry before the change-over at <paramref name="changeOver"/> has its index rows:
    /// it checked entries 1 to <c>changeOver - 1</c> against the hash chain (the last one's hash is <paramref name="lastHash"/>)
    /// and wrote the rows they lacked. A change-over at entry 1 (a book created indexed) needs one only when its entry carries
    /// no seal (written before entries were sealed): the claim, sealed, says the run found it the chain's first entry.
    /// <paramref name="resealed"/>: under <see cref="ResealedBackfillId"/>, for a book whose first claim is not sealed.
    /// </summary>
    public static LedgerEntryDraft BackfillCompleted(long changeOver, string lastHash, DateTimeOffset occurredAt, bool resealed = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(changeOver, 1L);
        return new LedgerEntryDraft(resealed ? ResealedBackfillId(changeOver) : BackfillId(changeOver), LedgerEntryKind.IndexBackfillCompleted, occurredAt, [], new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ChangeOverKey] = changeOver.ToString(CultureInfo.InvariantCulture),
            [ThroughKey] = (changeOver - 1).ToString(CultureInfo.InvariantCulture),
            [HashKey] = lastHash,
        });
    }

    /// <summary>
    /// The change-over sequence below which <paramref name="entry"/> says the index is whole; null for any other entry, one whose
    /// hash does not match what it holds, or one not under the id its claim gives.
    /// </summary>
    public static long? BackfilledBelow(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Kind == LedgerEntryKind.IndexBackfillCompleted && entry.HashIsValid
            && entry.Metadata.TryGetValue(ChangeOverKey, out string? text)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long changeOver) && changeOver >= 1
            && (entry.EntryId == BackfillId(changeOver) || entry.EntryId == ResealedBackfillId(changeOver))
            ? changeOver
            : null;
    }
}
