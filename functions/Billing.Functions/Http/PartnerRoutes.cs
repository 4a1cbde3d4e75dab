namespace Billing.Functions.Http;

/// <summary>How the partner-management reads are mapped: a finance-only GET with its name, its JSON answer, its problems and the partners' 403.</summary>
public static class PartnerRoutes
{
    /// <summary><paramref name="problems"/> are the statuses the route answers with a problem besides 401/403.</summary>
    public static RouteHandlerBuilder MapPartnerGet<TResponse>(this IEndpointRouteBuilder app, string route, string name, Delegate handler, params int[] problems) =>
        app.MapGet(route, handler).WithName(name).Produces<TResponse>().ProducesProblems(problems).RequireRoles(PartnerResponses.Forbidden, PartnerRole.Finance);
}
