namespace Billing.Storage.Ledger;

/// <summary>An entry id is already booked with different postings or kind: a caller bug, never overwritten.</summary>
public sealed class LedgerConflictException(LedgerEntry existing, LedgerEntryDraft incoming)
    : InvalidOperationException($"Ledger entry '{incoming.EntryId}' already exists at {existing.Book}#{existing.Sequence} with a different booking.")
{
    public LedgerEntry Existing { get; } = existing;

    public LedgerEntryDraft Incoming { get; } = incoming;
}
