namespace Billing.Contracts.Ledger;

/// <summary>
/// <c>GET /api/v1/ledger/reconcile</c>: invoices ↔ Stripe payments ↔ burns ↔ ledger entries, with every mismatch.
/// <c>ok</c> is true exactly when there is no mismatch; <c>pending</c> lists what waits for a period close and does not
/// make the books wrong (<c>LateUsagePending</c>: a payer's month with usage metered after the closes that correct it
/// routinely, which a close bills without anyone acting), so it never makes <c>ok</c> false. <c>acknowledged</c> lists the
/// findings finance acknowledged as settled outside the platform (<c>POST /api/v1/ledger/reconcile/acknowledgements</c>),
/// for exactly the detail they have now; they are not mismatches (null from a platform older than acknowledgements).
/// </summary>
public sealed record LedgerReconcileResponse(
    bool Ok, int Invoices, int Payments, int Burns, int Entries, IReadOnlyList<AuditFinding> Mismatches, IReadOnlyList<AuditFinding> Pending,
    IReadOnlyList<AcknowledgedFinding>? Acknowledged = null);
