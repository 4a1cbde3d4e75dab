namespace Billing.Functions.VerifyLedger;

/// <summary>GET /api/v1/ledger/verify (finance): the book against the anchors on chain.</summary>
public static class VerifyLedgerFunction
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) => app.MapFinanceLedgerAudit(
        "/api/v1/ledger/verify", "VerifyLedger", nameof(VerifyLedgerFunction), (audit, cancellationToken) => audit.VerifyAsync(cancellationToken), LedgerContract.ToResponse, BillingJsonContext.Default.LedgerVerifyResponse);
}
