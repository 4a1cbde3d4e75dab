namespace Billing.Functions.Http;

/// <summary>
/// Response headers a route sets, declared beside the route so the OpenAPI document lists them (the generator sees only
/// bodies and statuses).
/// </summary>
public static class DocumentedHeaders
{
    public static RouteHandlerBuilder ProducesHeader(this RouteHandlerBuilder builder, int status, string name, string description) =>
        builder.WithMetadata(new Header(status, name, description));

    /// <summary>A header of the <paramref name="Status"/> answer; read by the OpenAPI document.</summary>
    public sealed record Header(int Status, string Name, string Description);
}
