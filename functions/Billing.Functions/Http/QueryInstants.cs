namespace Billing.Functions.Http;

/// <summary>Instants in query strings (<c>from</c>, <c>to</c>): RFC 3339, or a plain date (midnight UTC, convenient on the command line).</summary>
public static class QueryInstants
{
    /// <summary>The reason given for a value that is neither.</summary>
    public const string Reason = "must be an RFC 3339 date-time (e.g. 2026-10-01T00:00:00Z) or a date (yyyy-MM-dd)";

    /// <summary>An instant parameter as a route declares it (<see cref="DeclaredQuery.Query"/>): <paramref name="meaning"/>, then the forms it takes.</summary>
    public static QueryParameter Parameter(string name, string meaning) => new(name, $"{meaning} (RFC 3339, or yyyy-MM-dd for midnight UTC).");

    /// <summary>Parses <paramref name="text"/>; an absent value is <paramref name="fallback"/>. False (value = fallback) when it is neither form.</summary>
    public static bool TryParse(string? text, DateTimeOffset fallback, out DateTimeOffset value)
    {
        value = fallback;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (Rfc3339.TryParse(text, out var t))
        {
            value = t.ToUniversalTime();
            return true;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            value = new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return true;
        }

        return false;
    }
}
