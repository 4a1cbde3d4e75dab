namespace Billing.Functions.GetCaller;

/// <summary>
/// GET /api/v1/me: who an API key belongs to (id, role, plan). Any partner may ask about itself; the console signs in
/// with it and offers only what the role may read.
/// </summary>
public static class GetCallerFunction
{
    public const string Route = "/api/v1/me";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet(Route, (HttpContext http) => Invoke(http))
            .WithName("GetCaller").Produces<CallerResponse>()
            .RequireRoles("every partner may read who it is", Enum.GetValues<PartnerRole>());

    public static JsonHttpResult<CallerResponse> Invoke(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var caller = http.Caller();
        return ApiResults.Json(new CallerResponse(caller.Id, caller.Role.ToString(), caller.IsPayer, caller.PlanId), BillingJsonContext.Default.CallerResponse);
    }
}
