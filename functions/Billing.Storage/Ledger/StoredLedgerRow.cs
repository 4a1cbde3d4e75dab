namespace Billing.Storage.Ledger;

/// <summary>
/// One entry row of a book as stored, with the time storage wrote it: the entry, or (exactly one of the two) why the row
/// cannot be read. Listing and verifying go on past an unreadable row and report it.
/// </summary>
public sealed record StoredLedgerRow(LedgerEntry? Entry, UnreadableLedgerEntry? Unreadable, DateTimeOffset RecordedAt)
{
    public long Sequence => Entry?.Sequence ?? Unreadable!.Sequence;
}
