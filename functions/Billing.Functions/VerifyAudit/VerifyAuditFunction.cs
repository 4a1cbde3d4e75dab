namespace Billing.Functions.VerifyAudit;

/// <summary>GET /api/v1/audit/verify (finance): every partner's audit hash chain, and its row against the trail.</summary>
public static class VerifyAuditFunction
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPartnerGet<AuditVerifyResponse>("/api/v1/audit/verify", "VerifyAudit", HandleAsync);

    public static async Task<JsonHttpResult<AuditVerifyResponse>> HandleAsync(PartnerAuditVerifier verifier, CancellationToken cancellationToken) =>
        ApiResults.Json(PartnerResponses.Verify(await verifier.VerifyAllAsync(cancellationToken).ConfigureAwait(false)), BillingJsonContext.Default.AuditVerifyResponse);
}
