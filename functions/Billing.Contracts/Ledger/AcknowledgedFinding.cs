namespace Billing.Contracts.Ledger;

/// <summary>
/// A reconcile finding finance acknowledged as settled outside the platform: the finding as reconcile reports it now, who
/// acknowledged it, when and why, and the ledger entry that records it (evidence, no postings).
/// </summary>
public sealed record AcknowledgedFinding(string Kind, string Subject, string Detail, string Note, string AcknowledgedBy, DateTimeOffset AcknowledgedAt, string EntryId);
