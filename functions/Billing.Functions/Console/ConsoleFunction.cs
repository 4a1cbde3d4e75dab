using Billing.Contracts.WebConsole;
using Microsoft.Net.Http.Headers;

namespace Billing.Functions.WebConsole;

/// <summary>
/// GET /api/console/{*path} (anonymous): the web console's static files (<see cref="ConsoleAssets"/>), and
/// <c>config.json</c>, the explorer settings its links need and the currencies' minor-unit exponents. The page itself asks for an API key and calls only the
/// public API with it. Every answer carries a strict Content-Security-Policy (no inline script, API calls to this origin
/// only) and refuses framing; <c>nosniff</c> comes with every answer of the handler (<see cref="Http.ApiResponseHeaders"/>).
/// </summary>
public sealed class ConsoleFunction(IOptions<ConsoleOptions> console, IOptions<SolanaOptions> solana)
{
    public const string Route = "/api/console/{*path}";
    public const string ConfigPath = "config.json";

    /// <summary>Scripts, styles and API calls from this origin only; nothing inline, nothing framed, no plugins.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private readonly Lazy<ConsoleConfigResponse> config = new(() =>
    {
        var explorer = ExplorerSettings.Resolve(console.Value, solana.Value);
        var currencies = new SortedDictionary<string, int>(
            Currency.SupportedCodes.ToDictionary(code => code, code => Currency.FromCode(code).Exponent), StringComparer.Ordinal);
        return new ConsoleConfigResponse(explorer.Cluster, explorer.Explorer.AbsoluteUri.TrimEnd('/'), explorer.CustomUrl?.AbsoluteUri, currencies);
    });

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet(Route, (HttpContext http, string? path, ConsoleFunction f) => f.Invoke(http, path))
            .WithName("Console").ExcludeFromDescription(); // static content, not part of the API document

    public IResult Invoke(HttpContext http, string? path)
    {
        ArgumentNullException.ThrowIfNull(http);
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";

        if (string.IsNullOrEmpty(path))
        {
            // Relative asset URLs resolve against the folder only with the trailing slash.
            if (!(http.Request.Path.Value ?? "").EndsWith('/'))
            {
                return TypedResults.Redirect("/api/console/");
            }

            path = "index.html";
        }

        if (path == ConfigPath)
        {
            headers.CacheControl = "no-store";
            return ApiResults.Json(config.Value, BillingJsonContext.Default.ConsoleConfigResponse);
        }

        if (ConsoleAssets.Find(path) is not { } asset)
        {
            headers.CacheControl = "no-store";
            return Problem.NotFound($"the console has no file '{path}'").ToResult();
        }

        headers.CacheControl = asset.CacheControl;
        return TypedResults.Bytes(asset.Content, asset.ContentType, entityTag: new EntityTagHeaderValue(asset.ETag));
    }
}
