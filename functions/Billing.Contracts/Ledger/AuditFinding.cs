namespace Billing.Contracts.Ledger;

/// <summary>One finding of ledger verify or reconcile: its kind (e.g. <c>HashMismatch</c>), what it is about, and the detail.</summary>
public sealed record AuditFinding(string Kind, string Subject, string Detail);
