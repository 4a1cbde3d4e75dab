using System.Globalization;

namespace Billing.Domain.Events;

/// <summary>
/// Strict RFC 3339 date-time: <c>yyyy-MM-ddTHH:mm:ss[.fraction](Z|±hh:mm)</c>.
/// An offset is required because a billing instant without one is ambiguous.
/// </summary>
public static class Rfc3339
{
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is null || text.Length < 20 || text.Length > 40)
        {
            return false;
        }

        ReadOnlySpan<char> s = text;
        if (!(Digits(s[..4]) && s[4] == '-' && Digits(s.Slice(5, 2)) && s[7] == '-' && Digits(s.Slice(8, 2))
              && (s[10] == 'T' || s[10] == 't') && Digits(s.Slice(11, 2)) && s[13] == ':' && Digits(s.Slice(14, 2))
              && s[16] == ':' && Digits(s.Slice(17, 2))))
        {
            return false;
        }

        int i = 19;
        if (i < s.Length && s[i] == '.')
        {
            int start = ++i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == start || i - start > 7)
            {
                return false; // .NET keeps 100 ns ticks; more digits would silently round
            }
        }

        var zone = s[i..];
        bool zoneOk = zone is "Z" or "z"
            || (zone.Length == 6 && (zone[0] == '+' || zone[0] == '-') && Digits(zone.Slice(1, 2)) && zone[3] == ':' && Digits(zone.Slice(4, 2)));
        if (!zoneOk)
        {
            return false;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString(value.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static bool Digits(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
