namespace Billing.Functions.ListAudit;

/// <summary>
/// GET /api/v1/audit?from=&amp;to=&amp;limit=&amp;after= (finance): every partner change made in [from, to) (default the
/// current month; RFC 3339 or yyyy-MM-dd), oldest first, at most <c>limit</c> (default 100, at most 1,000) a page.
/// </summary>
public static class ListAuditFunction
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPartnerGet<AuditListResponse>("/api/v1/audit", "ListAudit", HandleAsync, StatusCodes.Status400BadRequest)
            .Query(
                QueryInstants.Parameter("from", "Changes made at or after this instant; default the start of the current month"),
                QueryInstants.Parameter("to", "Changes made before this instant; default the start of the next month"),
                PartnerRequests.Limit,
                PartnerRequests.After);

    public static async Task<Results<JsonHttpResult<AuditListResponse>, JsonHttpResult<ApiProblem>>> HandleAsync(
        HttpRequest request, PartnerManagement partners, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<ApiFieldError>();
        var month = BillingPeriod.Containing(time.GetUtcNow());
        var from = Instant(request.Query["from"], "from", month.Start, errors);
        var to = Instant(request.Query["to"], "to", month.End, errors);
        var (limit, after) = PartnerRequests.Paging(request.Query, errors);
        if (errors.Count == 0 && from >= to)
        {
            errors.Add(new("to", "must be after from"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.BadRequest("invalid query parameters", [.. errors]);
        }

        var page = await partners.AuditAsync(from, to, after, limit, cancellationToken).ConfigureAwait(false);
        return ApiResults.Json(PartnerResponses.Audit(page), BillingJsonContext.Default.AuditListResponse);
    }

    private static DateTimeOffset Instant(string? text, string field, DateTimeOffset fallback, List<ApiFieldError> errors)
    {
        if (!QueryInstants.TryParse(text, fallback, out var value))
        {
            errors.Add(new(field, QueryInstants.Reason));
        }

        return value;
    }
}
