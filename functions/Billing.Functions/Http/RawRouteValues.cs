using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Billing.Functions.Http;

/// <summary>
/// Route values as the client encoded them. The server decodes a request's path before routing, all but "%2F", which it
/// leaves encoded (a '/' would split the segment), so an id holding '/' reached its route as "…%2F…" and named nothing:
/// a payer seeded with such an id (settings take any printable characters but '|') got 403 for its own invoice, and its
/// ledger proof link 404. Decoding "%2F" in the value would not do: an id holding "%2F" itself arrives alike ("%252F",
/// of which the server decodes "%25"). So, after routing, every one-segment route value is read again from the raw
/// request target and decoded once, in full.
/// </summary>
public static class RawRouteValues
{
    public static IApplicationBuilder UseRawRouteValues(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        Restore(context);
        return next(context);
    });

    private static void Restore(HttpContext context)
    {
        if (context.GetEndpoint() is not RouteEndpoint { RoutePattern: { Parameters.Count: > 0 } pattern }
            || context.Features.Get<IHttpRequestFeature>()?.RawTarget is not ['/', ..] raw)
        {
            return;
        }

        int query = raw.IndexOf('?', StringComparison.Ordinal);
        string[] segments = (query < 0 ? raw : raw[..query]).Split('/');
        if (segments.Length - 1 != pattern.PathSegments.Count)
        {
            return; // not the path routed ("." or ".." segments the server removed, a trailing '/'): its values stand
        }

        for (int i = 0; i < pattern.PathSegments.Count; i++)
        {
            if (pattern.PathSegments[i].Parts is [RoutePatternParameterPart { IsCatchAll: false } parameter])
            {
                context.Request.RouteValues[parameter.Name] = Uri.UnescapeDataString(segments[i + 1]);
            }
        }
    }
}
