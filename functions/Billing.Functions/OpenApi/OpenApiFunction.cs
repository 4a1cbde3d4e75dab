namespace Billing.Functions.OpenApiHttp;

/// <summary>GET /api/openapi.json (anonymous): the API's OpenAPI 3.1 document, the same text as the committed <c>openapi.json</c>.</summary>
public static class OpenApiFunction
{
    public const string Route = "/api/openapi.json";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet(Route, HandleAsync).WithName("OpenApi").ExcludeFromDescription();

    public static async Task<IResult> HandleAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        TypedResults.Text(await BillingOpenApi.RenderAsync(services, cancellationToken).ConfigureAwait(false), "application/json");
}
