namespace Billing.Contracts.Ledger;

/// <summary><c>GET /api/v1/ledger/reconcile</c>: invoices ↔ Stripe payments ↔ burns ↔ ledger entries, with every mismatch.</summary>
public sealed record LedgerReconcileResponse(bool Ok, int Invoices, int Payments, int Burns, int Entries, IReadOnlyList<AuditFinding> Mismatches);
