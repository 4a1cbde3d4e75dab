namespace Billing.Functions.Http;

/// <summary>
/// How both rollup routes (verify, rebuild) are mapped: finance only, <c>?payer=&amp;month=yyyy-MM</c> (a missing or
/// malformed one, or a payer that names no partner, is a 400 naming it), then the use case's answer as JSON; a use case that refuses because a fact row
/// cannot be read (rebuild) answers a 409 problem naming the row.
/// </summary>
public static class RollupRoutes
{
    public const string Forbidden = "only finance may verify or rebuild rollups";

    /// <summary>
    /// A rollup route answering what <paramref name="run"/> makes of the payer and month. <paramref name="adapter"/> names
    /// the function's adapter: the OpenAPI document tags the route with it, as it tags routes whose handler the adapter declares.
    /// </summary>
    public static RouteHandlerBuilder MapRollups<TResponse>(
        this IEndpointRouteBuilder app, string method, string route, string name, string adapter,
        Func<RollupMaintenance, string, BillingPeriod, CancellationToken, Task<TResponse>> run, JsonTypeInfo<TResponse> json) =>
        app.MapMethods(
            route,
            [method],
            async Task<Results<JsonHttpResult<TResponse>, JsonHttpResult<ApiProblem>>> (HttpContext http, RollupMaintenance maintenance, PayerRecords payers, CancellationToken cancellationToken) =>
            {
                if (TryParse(http, out var payer, out var month) is { } problem)
                {
                    return problem.ToResult();
                }

                if (await PayerQuery.UnknownAsync(payers, http, payer, cancellationToken).ConfigureAwait(false) is { } unknown)
                {
                    return unknown.ToResult();
                }

                try
                {
                    return TypedResults.Json(await run(maintenance, payer, month, cancellationToken).ConfigureAwait(false), json);
                }
                catch (InvalidDataException ex)
                {
                    // Finance only: the row's keys are what it needs to look at; nothing was written for the refused shard.
                    return Problem.StorageIntegrity(409, "Unreadable facts", ex.Message).ToResult();
                }
            })
            .WithName(name).WithTags(adapter).Produces<TResponse>().ProducesRowMissingHeader().RequireRoles(Forbidden, PartnerRole.Finance)
            .Query(
                new QueryParameter("payer", "The payer whose rollups to check; one that names no partner is a 400.", Required: true),
                new QueryParameter("month", "The month (yyyy-MM).", Required: true));

    private static Problem? TryParse(HttpContext http, out string payer, out BillingPeriod month)
    {
        month = default;
        payer = http.Request.Query["payer"].ToString();
        if (payer.Length == 0)
        {
            return Problem.BadRequest("payer is required", new FieldError("payer", "required: the payer whose rollups to check"));
        }

        string text = http.Request.Query["month"].ToString();
        return BillingPeriod.TryParse(text, out month)
            ? null
            : Problem.BadRequest($"'{text}' is not a month", new FieldError("month", "must be yyyy-MM, e.g. 2026-10"));
    }
}
