namespace Billing.Functions.Http;

/// <summary>How every ledger route is mapped: a GET with its name, its JSON answer, its problems and the ledger's 403.</summary>
public static class LedgerRoutes
{
    /// <summary>A ledger GET that <paramref name="roles"/> may call; <paramref name="problems"/> are the statuses it answers with a problem besides 401/403.</summary>
    public static RouteHandlerBuilder MapLedgerGet<TResponse>(this IEndpointRouteBuilder app, string route, string name, Delegate handler, PartnerRole[] roles, params int[] problems) =>
        app.MapGet(route, handler).WithName(name).Produces<TResponse>().ProducesProblems(problems).RequireRoles(LedgerContract.Forbidden, roles);

    /// <summary>
    /// A finance GET answering with an audit of the whole book (verify, reconcile) as <paramref name="toResponse"/> shows it.
    /// <paramref name="adapter"/> names the function's adapter: the OpenAPI document tags the route with it, as it tags
    /// routes whose handler the adapter declares.
    /// </summary>
    public static RouteHandlerBuilder MapFinanceLedgerAudit<TResult, TResponse>(
        this IEndpointRouteBuilder app, string route, string name, string adapter, Func<LedgerAudit, CancellationToken, Task<TResult>> run, Func<TResult, TResponse> toResponse, JsonTypeInfo<TResponse> json) =>
        app.MapLedgerGet<TResponse>(
            route,
            name,
            async (LedgerAudit audit, CancellationToken cancellationToken) => TypedResults.Json(toResponse(await run(audit, cancellationToken).ConfigureAwait(false)), json),
            [PartnerRole.Finance])
            .WithTags(adapter);
}
