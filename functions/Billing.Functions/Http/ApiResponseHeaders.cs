namespace Billing.Functions.Http;

/// <summary>
/// Headers every answer of the handler carries, set in one place before any route runs: <c>X-Content-Type-Options:
/// nosniff</c>, so a browser renders an answer only as the type it declares (JSON, problem+json, CSV, PDF, the console's
/// files), never sniffs partner text in it into HTML or script.
/// </summary>
public static class ApiResponseHeaders
{
    public static IApplicationBuilder UseApiResponseHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return next(context);
    });
}
