namespace Billing.Storage.Ledger;

/// <summary>The book's head: the last sequence appended and its hash (0 and the genesis hash for an empty book).</summary>
public sealed record LedgerHead(long LastSequence, string LastHash);
