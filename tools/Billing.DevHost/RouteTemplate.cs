namespace Billing.DevHost;

/// <summary>
/// Matches a request path against a function.json route template such as <c>v1/invoices/{id}</c>; a last segment
/// <c>{*rest}</c> is a catch-all, as in the Functions host: it takes the remaining segments, or none.
/// </summary>
public static class RouteTemplate
{
    /// <summary>The route parameters when <paramref name="path"/> matches <paramref name="template"/>; otherwise null.</summary>
    public static Dictionary<string, string>? Match(string template, string path)
    {
        var t = template.Trim('/').Split('/');
        var p = path.Trim('/').Split('/');
        bool catchAll = t[^1].StartsWith("{*", StringComparison.Ordinal) && t[^1].EndsWith('}');
        if (p.Length == 1 && p[0].Length == 0)
        {
            p = []; // the root: no segment at all
        }

        if (catchAll ? p.Length < t.Length - 1 : t.Length != p.Length)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int fixedSegments = catchAll ? t.Length - 1 : t.Length;
        for (int i = 0; i < fixedSegments; i++)
        {
            if (t[i].StartsWith('{') && t[i].EndsWith('}'))
            {
                values[t[i][1..^1].Split(':')[0].TrimEnd('?')] = Uri.UnescapeDataString(p[i]);
            }
            else if (!string.Equals(t[i], p[i], StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        if (catchAll)
        {
            values[t[^1][2..^1].Split(':')[0]] = Uri.UnescapeDataString(string.Join('/', p[fixedSegments..]));
        }

        return values;
    }
}
