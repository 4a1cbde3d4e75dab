namespace Billing.Contracts.Ledger;

/// <summary>The last entry of a book: its sequence and hash.</summary>
public sealed record LedgerHeadView(long Sequence, string Hash);
