using System.Globalization;
using System.Numerics;

namespace Billing.Domain.Events;

/// <summary>
/// Strict RFC 3339 date-time: <c>yyyy-MM-ddTHH:mm:ss[.fraction](Z|±hh:mm)</c>. An offset is required because a billing
/// instant without one is ambiguous. Parsed by hand, from UTF-16 or straight from UTF-8 JSON bytes (one generic
/// implementation): it runs several times per metered event. Only ASCII can match, so both encodings agree.
/// </summary>
public static class Rfc3339
{
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        return text is not null && TryParse(text.AsSpan(), out value);
    }

    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value) => TryParseCore(text, out value);

    public static bool TryParse(ReadOnlySpan<byte> utf8, out DateTimeOffset value) => TryParseCore(utf8, out value);

    private static bool TryParseCore<T>(ReadOnlySpan<T> s, out DateTimeOffset value)
        where T : unmanaged, IBinaryInteger<T>
    {
        value = default;
        if (s.Length < 20 || s.Length > 40)
        {
            return false;
        }

        if (!(TryDigits(s[..4], out int year) && At(s, 4) == '-' && TryDigits(s.Slice(5, 2), out int month) && At(s, 7) == '-' && TryDigits(s.Slice(8, 2), out int day)
              && (At(s, 10) == 'T' || At(s, 10) == 't') && TryDigits(s.Slice(11, 2), out int hour) && At(s, 13) == ':' && TryDigits(s.Slice(14, 2), out int minute)
              && At(s, 16) == ':' && TryDigits(s.Slice(17, 2), out int second)))
        {
            return false;
        }

        int i = 19;
        long fractionTicks = 0;
        if (i < s.Length && At(s, i) == '.')
        {
            int start = ++i;
            while (i < s.Length && At(s, i) is >= '0' and <= '9')
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
        if (zone.Length == 1 && (At(zone, 0) == 'Z' || At(zone, 0) == 'z'))
        {
            offset = TimeSpan.Zero;
        }
        else if (zone.Length == 6 && (At(zone, 0) == '+' || At(zone, 0) == '-') && TryDigits(zone.Slice(1, 2), out int oh) && At(zone, 3) == ':' && TryDigits(zone.Slice(4, 2), out int om)
                 && oh <= 14 && om <= 59)
        {
            offset = new TimeSpan(oh, om, 0);
            if (At(zone, 0) == '-')
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

    /// <summary>The code unit at <paramref name="index"/> as an int (UTF-16 unit or UTF-8 byte).</summary>
    private static int At<T>(ReadOnlySpan<T> s, int index)
        where T : unmanaged, IBinaryInteger<T> => int.CreateTruncating(s[index]);

    private static bool TryDigits<T>(ReadOnlySpan<T> s, out int value)
        where T : unmanaged, IBinaryInteger<T>
    {
        value = 0;
        for (int i = 0; i < s.Length; i++)
        {
            int c = At(s, i);
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
