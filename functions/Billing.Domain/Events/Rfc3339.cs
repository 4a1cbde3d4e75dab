using System.Globalization;

namespace Billing.Domain.Events;

/// <summary>
/// Strict RFC 3339 date-time: <c>yyyy-MM-ddTHH:mm:ss[.fraction](Z|±hh:mm)</c>. An offset is required because a billing
/// instant without one is ambiguous. Parsed by hand: it runs several times per metered event.
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
        if (!(TryDigits(s[..4], out int year) && s[4] == '-' && TryDigits(s.Slice(5, 2), out int month) && s[7] == '-' && TryDigits(s.Slice(8, 2), out int day)
              && (s[10] == 'T' || s[10] == 't') && TryDigits(s.Slice(11, 2), out int hour) && s[13] == ':' && TryDigits(s.Slice(14, 2), out int minute)
              && s[16] == ':' && TryDigits(s.Slice(17, 2), out int second)))
        {
            return false;
        }

        int i = 19;
        long fractionTicks = 0;
        if (i < s.Length && s[i] == '.')
        {
            int start = ++i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            int digits = i - start;
            if (digits == 0 || digits > 7)
            {
                return false; // .NET keeps 100 ns ticks; more digits would silently round
            }

            TryDigits(s[start..i], out int fraction);
            fractionTicks = fraction;
            for (int k = digits; k < 7; k++)
            {
                fractionTicks *= 10;
            }
        }

        var zone = s[i..];
        TimeSpan offset;
        if (zone is "Z" or "z")
        {
            offset = TimeSpan.Zero;
        }
        else if (zone.Length == 6 && (zone[0] == '+' || zone[0] == '-') && TryDigits(zone.Slice(1, 2), out int oh) && zone[3] == ':' && TryDigits(zone.Slice(4, 2), out int om)
                 && oh <= 14 && om <= 59)
        {
            offset = new TimeSpan(oh, om, 0);
            if (zone[0] == '-')
            {
                offset = -offset;
            }
        }
        else
        {
            return false;
        }

        if (month is < 1 or > 12 || day < 1 || year < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false; // RFC 3339 allows a leap second (60); .NET cannot represent it, so it is rejected
        }

        try
        {
            value = new DateTimeOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fractionTicks), offset);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false; // outside DateTimeOffset's range once the offset is applied
        }
    }

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString(value.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static bool TryDigits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
