namespace Billing.Application.Ledger;

/// <summary>
/// A page of a book's rows from <c>from</c> on: the entries that can be read, apart the rows that cannot (they count
/// towards the page), the book's head (null, with <see cref="HeadUnreadable"/> saying why, when its row cannot be read)
/// and where the next page starts (null: this was the last).
/// </summary>
public sealed record LedgerEntriesPage(string Book, LedgerHead? Head, IReadOnlyList<RecordedLedgerEntry> Entries, long? Next)
{
    public IReadOnlyList<StoredLedgerRow> Unreadable { get; init; } = [];

    public string? HeadUnreadable { get; init; }
}
