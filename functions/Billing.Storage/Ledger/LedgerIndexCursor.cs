namespace Billing.Storage.Ledger;

/// <summary>
/// How far a book's subject index (<see cref="LedgerIndex"/>) is known to be whole, row
/// <see cref="LedgerStore.IndexCursorRowKey"/> of its partition. <paramref name="IndexedThrough"/>: entries 1 to that sequence
/// have their index rows, checked against the hash chain; <paramref name="Hash"/>: that entry's hash (the genesis hash for 0),
/// which the next entry must link to. <paramref name="Complete"/>: every entry has them, so appends, which index theirs in
/// their own transaction, keep it whole: written so when the backfill of a book written before appends indexed (2026-12-06)
/// reached the entry before the book's change-over (<see cref="BookFormat"/>). Only the backfill's working position: burns go
/// by the chain's evidence (<see cref="LedgerStore.IsIndexCompleteAsync"/>), never by this row.
/// </summary>
public sealed record LedgerIndexCursor(long IndexedThrough, string Hash, bool Complete)
{
    /// <summary>What the row's seal says, as read (<see cref="LedgerSealKeys.CheckCursor"/>); a cursor being written is sealed by the store.</summary>
    public EntrySealState SealState { get; init; }
}
