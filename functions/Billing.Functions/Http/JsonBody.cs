using Microsoft.AspNetCore.OpenApi;
using Microsoft.Net.Http.Headers;

namespace Billing.Functions.Http;

/// <summary>
/// A route that takes a JSON body: documented as <c>application/json</c> of its request type in the OpenAPI
/// document, and any other Content-Type (or none) answered 415 problem+json naming <c>Content-Type</c>. Not
/// <c>Accepts</c>: its metadata makes routing drop the route for another Content-Type, and the fallback then answered
/// 404 "no route", as if the route did not exist. Add it after <c>RequireRoles</c>, so 401 and 403 come first.
/// </summary>
public static class JsonBody
{
    /// <summary>Takes an <c>application/json</c> (or <c>application/…+json</c>) body of <typeparamref name="T"/>, any parameters (e.g. <c>charset=utf-8</c>); refuses any other with 415.</summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder builder) =>
        builder
            .AddEndpointFilter(async (context, next) =>
                Refusal(context.HttpContext.Request.ContentType) is { } refusal ? refusal.ToResult() : await next(context).ConfigureAwait(false))
            .ProducesProblems(StatusCodes.Status415UnsupportedMediaType)
            .AddOpenApiOperationTransformer(async (operation, context, ct) =>
            {
                context.Document!.AddComponent(typeof(T).Name, await context.GetOrCreateSchemaAsync(typeof(T), null, ct).ConfigureAwait(false));
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        [System.Net.Mime.MediaTypeNames.Application.Json] = new() { Schema = new OpenApiSchemaReference(typeof(T).Name, context.Document) },
                    },
                };
            });

    /// <summary>The 415 for a Content-Type that is not JSON, or null when it is.</summary>
    private static Problem? Refusal(string? contentType)
    {
        // application/json, or a +json type of it (application/merge-patch+json), as routing matched Accepts before.
        if (MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            && parsed.Type.Equals("application", StringComparison.OrdinalIgnoreCase)
            && (parsed.SubType.Equals("json", StringComparison.OrdinalIgnoreCase) || parsed.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        string sent = string.IsNullOrEmpty(contentType) ? "no Content-Type" : $"Content-Type '{contentType}'";
        string reason = $"this route takes an application/json body, and the request has {sent}";
        return new Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", reason, [new FieldError("Content-Type", reason)]);
    }
}
