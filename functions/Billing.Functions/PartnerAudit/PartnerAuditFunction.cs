namespace Billing.Functions.PartnerAudit;

/// <summary>GET /api/v1/partners/{id}/audit?limit=&amp;after= (finance): the partner's audit trail, oldest first, page by page.</summary>
public static class PartnerAuditFunction
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPartnerGet<AuditListResponse>("/api/v1/partners/{id}/audit", "PartnerAudit", HandleAsync, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .Query(PartnerRequests.Limit, PartnerRequests.After);

    public static async Task<Results<JsonHttpResult<AuditListResponse>, JsonHttpResult<ApiProblem>>> HandleAsync(
        HttpRequest request, string id, PartnerManagement partners, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<ApiFieldError>();
        var (limit, after) = PartnerRequests.Paging(request.Query, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.BadRequest("invalid query parameters", [.. errors]);
        }

        return await PartnerRequests.AnswerAsync(async () => ApiResults.Json(
            PartnerResponses.Audit(await partners.AuditOfPartnerAsync(id, after, limit, cancellationToken).ConfigureAwait(false)),
            BillingJsonContext.Default.AuditListResponse)).ConfigureAwait(false);
    }
}
