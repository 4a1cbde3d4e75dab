namespace Billing.Functions.VerifyPartnerAudit;

/// <summary>GET /api/v1/partners/{id}/audit/verify (finance): one partner's audit hash chain, and its row against the trail.</summary>
public static class VerifyPartnerAuditFunction
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPartnerGet<AuditVerifyResponse>("/api/v1/partners/{id}/audit/verify", "VerifyPartnerAudit", HandleAsync, StatusCodes.Status404NotFound);

    public static Task<Results<JsonHttpResult<AuditVerifyResponse>, JsonHttpResult<ApiProblem>>> HandleAsync(string id, PartnerAuditVerifier verifier, CancellationToken cancellationToken) =>
        PartnerRequests.AnswerAsync(async () => ApiResults.Json(
            PartnerResponses.Verify([await verifier.VerifyAsync(id, cancellationToken).ConfigureAwait(false)]),
            BillingJsonContext.Default.AuditVerifyResponse));
}
