using Billing.Application.Ledger;
using Billing.Contracts;
using Billing.Contracts.Ledger;
using Billing.Domain.Partners;
using Billing.Functions.Http;
using Billing.Functions.LedgerEntriesHttp;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Billing.Functions.ReconcileLedger;

/// <summary>GET /api/v1/ledger/reconcile (finance): invoices ↔ Stripe payments ↔ burns ↔ ledger entries.</summary>
public static class ReconcileLedgerFunction
{
    public const string Route = "/api/v1/ledger/reconcile";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet(Route, HandleAsync).WithName("ReconcileLedger").Produces<LedgerReconcileResponse>().RequireRoles(LedgerContract.Forbidden, PartnerRole.Finance);

    public static async Task<JsonHttpResult<LedgerReconcileResponse>> HandleAsync(LedgerAudit audit, CancellationToken cancellationToken)
    {
        var result = await audit.ReconcileAsync(cancellationToken).ConfigureAwait(false);
        var body = new LedgerReconcileResponse(
            result.Ok, result.Invoices, result.Payments, result.Burns, result.Entries,
            [.. result.Mismatches.Select(m => new AuditFinding(m.Kind, m.Subject, m.Detail))]);
        return TypedResults.Json(body, BillingJsonContext.Default.LedgerReconcileResponse);
    }
}
