namespace Billing.Application.Ledger;

/// <summary>A page of a book's entries, the book's head, and where the next page starts (null: this was the last).</summary>
public sealed record LedgerEntriesPage(string Book, LedgerHead Head, IReadOnlyList<RecordedLedgerEntry> Entries, long? Next);
