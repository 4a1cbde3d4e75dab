namespace Billing.Domain.Ledger;

/// <summary>
/// The book's own record of when its entries began to be sealed (<see cref="LedgerSealKeys"/>): the first append of a
/// deployment that seals, whose metadata has room, carries <see cref="Key"/> (hashed, chained and anchored like any entry).
/// Every entry from the first marked one on is sealed; entries before it were written before seals. A writer with table
/// access can strip seals from rows, but not the marker from the chain, so verify tells a planted or stripped entry after
/// it (<c>EntryUnsealed</c>) from the book's older history.
/// </summary>
public static class SealMarker
{
    /// <summary>The metadata key marking the book's first sealed entry.</summary>
    public const string Key = "sealedFrom";

    /// <summary>What the marker says: the seal scheme (HMAC-SHA256 over book, sequence and hash).</summary>
    public const string Current = "hmac-sha256/v1";

    /// <summary>Whether <paramref name="entry"/> carries the marker and its hash matches what it holds.</summary>
    public static bool Marks(LedgerEntry entry) => MetadataMark.On(entry, Key, Current);

    /// <summary><paramref name="draft"/> with the marker; null when its metadata has no room for one more key (the next append marks).</summary>
    public static LedgerEntryDraft? Marked(LedgerEntryDraft draft) => MetadataMark.Add(draft, Key, Current);
}
