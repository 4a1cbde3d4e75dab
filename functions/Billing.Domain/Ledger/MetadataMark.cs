namespace Billing.Domain.Ledger;

/// <summary>
/// A marker an entry carries in its metadata (<see cref="BookFormat"/>, <see cref="SealMarker"/>): one key whose value names
/// what changed there, counted only on an entry whose hash matches what it holds.
/// </summary>
internal static class MetadataMark
{
    /// <summary>Whether <paramref name="entry"/> carries <paramref name="key"/> = <paramref name="value"/> and its hash matches what it holds.</summary>
    public static bool On(LedgerEntry entry, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.HashIsValid && entry.Metadata.TryGetValue(key, out string? found) && found == value;
    }

    /// <summary><paramref name="draft"/> carrying <paramref name="key"/> = <paramref name="value"/>; null when its metadata has no room for one more key.</summary>
    public static LedgerEntryDraft? Add(LedgerEntryDraft draft, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (draft.Metadata.ContainsKey(key))
        {
            return draft;
        }

        return draft.Metadata.Count >= LedgerValidation.MaxMetadataEntries
            ? null
            : new LedgerEntryDraft(draft.EntryId, draft.Kind, draft.OccurredAt, draft.Postings, new Dictionary<string, string>(draft.Metadata, StringComparer.Ordinal) { [key] = value });
    }
}
