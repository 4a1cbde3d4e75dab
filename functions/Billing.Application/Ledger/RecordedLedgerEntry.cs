namespace Billing.Application.Ledger;

/// <summary>An entry and storage's write time (what the anchoring deadline is measured from).</summary>
public sealed record RecordedLedgerEntry(LedgerEntry Entry, DateTimeOffset RecordedAt);
