using Billing.Contracts.Health;

namespace Billing.Functions.Health;

/// <summary>GET /api/health (anonymous): the handler is up. The host's own probe and <c>./run</c> wait on it.</summary>
public static class HealthFunction
{
    private static readonly HealthResponse Ok = new("ok");

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/health", () => Invoke());

    public static JsonHttpResult<HealthResponse> Invoke() => TypedResults.Json(Ok, BillingJsonContext.Default.HealthResponse, "application/json");
}
