using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Billing.Functions.Http;

/// <summary>
/// The answer of a request no route takes: 405 problem+json with <c>Allow</c> listing the methods the routes of its
/// path are mapped with, or 404 when no route has its path. Routing alone answered a wrong method with the fallback's
/// 404 "no route", as if the path did not exist. In Azure the Functions host refuses a method a function.json does not
/// list before the handler sees it (the DevHost does too); this is the handler's own routing. The answer comes before
/// any key check: it tells only the route list, which <c>openapi.json</c> publishes anyway.
/// </summary>
public static class AllowedMethods
{
    /// <summary>Maps the fallback for every path and method (file-like paths too, so they are problem+json as well).</summary>
    public static IEndpointConventionBuilder MapFallbackAnswer(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Read at the first fallback, once every route is mapped.
        var routes = new Lazy<IReadOnlyList<(TemplateMatcher Path, IReadOnlyCollection<string> Methods)>>(() =>
        [
            .. app.DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
                .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>() is { HttpMethods.Count: > 0 })
                .Select(e => (new TemplateMatcher(new RouteTemplate(e.RoutePattern), new RouteValueDictionary(e.RoutePattern.Defaults)),
                    (IReadOnlyCollection<string>)e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods)),
        ]);
        return app.MapFallback("{*path}", (HttpContext c) => Answer(c, routes.Value));
    }

    private static JsonHttpResult<ApiProblem> Answer(HttpContext context, IReadOnlyList<(TemplateMatcher Path, IReadOnlyCollection<string> Methods)> routes)
    {
        var request = context.Request;
        string[] allowed = [.. routes.Where(r => r.Path.TryMatch(request.Path, [])).SelectMany(r => r.Methods).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        if (allowed.Length == 0)
        {
            return Problem.NotFound($"no route for {request.Method} {request.Path}").ToResult();
        }

        string list = string.Join(", ", allowed);
        context.Response.Headers.Allow = list;
        return new Problem(StatusCodes.Status405MethodNotAllowed, "Method not allowed", $"{request.Path} takes {list}, not {request.Method}.",
            [new FieldError("method", $"must be one of {list}")]).ToResult();
    }
}
