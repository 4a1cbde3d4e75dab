namespace Billing.DevHost;

/// <summary>Matches a request path against a function.json route template such as <c>v1/invoices/{id}</c>.</summary>
public static class RouteTemplate
{
    /// <summary>The route parameters when <paramref name="path"/> matches <paramref name="template"/>; otherwise null.</summary>
    public static Dictionary<string, string>? Match(string template, string path)
    {
        var t = template.Trim('/').Split('/');
        var p = path.Trim('/').Split('/');
        if (t.Length != p.Length)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < t.Length; i++)
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

        return values;
    }
}
