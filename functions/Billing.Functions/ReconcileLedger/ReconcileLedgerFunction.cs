namespace Billing.Functions.ReconcileLedger;

/// <summary>GET /api/v1/ledger/reconcile (finance): invoices ↔ Stripe payments ↔ burns ↔ ledger entries.</summary>
public static class ReconcileLedgerFunction
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) => app.MapFinanceLedgerAudit(
        "/api/v1/ledger/reconcile", "ReconcileLedger", nameof(ReconcileLedgerFunction), (audit, cancellationToken) => audit.ReconcileAsync(cancellationToken), LedgerContract.ToResponse, BillingJsonContext.Default.LedgerReconcileResponse);
}
