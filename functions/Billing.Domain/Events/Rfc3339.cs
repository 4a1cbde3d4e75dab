namespace Billing.Domain.Events;

/// <summary>
/// RFC 3339 §5.6 <c>date-time</c>: <c>yyyy-MM-ddTHH:mm:ss[.fraction](Z|±hh:mm)</c>, <c>T</c> and <c>Z</c> in either case.
/// An offset is required because a billing instant without one is ambiguous. Parsed by hand, from UTF-16 or straight
/// from UTF-8 JSON bytes (one generic implementation): it runs several times per metered event. Only ASCII can match,
/// so both encodings agree.
/// <list type="bullet">
/// <item>Fractions may have any number of digits. .NET keeps 100 ns ticks, so digits beyond the seventh are
/// <b>truncated</b>, never rounded: an instant never moves into the next second, day or billing month, and every spelling
/// of the same 100 ns instant (<c>.1234567Z</c>, <c>.12345678Z</c>, <c>.123456700Z</c>) parses to the same value.</item>
/// <item>Offsets from <c>-23:59</c> to <c>+23:59</c> (<c>-00:00</c> is UTC). Offsets beyond ±14:00, which
/// <see cref="DateTimeOffset"/> cannot hold, come back converted to UTC; the instant is what counts.</item>
/// <item>A leap second (<c>:60</c>) is accepted only where RFC 3339 §5.7 allows one, at 23:59:60 UTC on the last day of
/// a month, and maps to the same fraction of 23:59:59 UTC (the second is repeated, as POSIX clocks do): the event stays
/// in its day and month, and whole-second intervals stay whole.</item>
/// </list>
/// </summary>
public static class Rfc3339
{
    /// <summary>Why a text is not an RFC 3339 date-time, for error messages.</summary>
    private enum Failure
    {
        None,
        Syntax,
        Range,
        LeapSecond,
    }

    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        return text is not null && TryParse(text.AsSpan(), out value);
    }

    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value) => TryParseCore(text, out value) == Failure.None;

    public static bool TryParse(ReadOnlySpan<byte> utf8, out DateTimeOffset value) => TryParseCore(utf8, out value) == Failure.None;

    /// <summary>Why <paramref name="utf8"/> does not parse (null when it does): the reason a field error gives.</summary>
    public static string? Explain(ReadOnlySpan<byte> utf8) => TryParseCore(utf8, out _) switch
    {
        Failure.None => null,
        Failure.Range => "must be an RFC 3339 date-time that exists (month, day, hour, minute, second or offset out of range)",
        Failure.LeapSecond => "has a leap second (:60) that is not 23:59:60 UTC on the last day of a month",
        _ => "must be an RFC 3339 date-time with an offset, e.g. 2026-10-20T10:15:00Z",
    };

    /// <inheritdoc cref="Explain(ReadOnlySpan{byte})"/>
    public static string? Explain(string text) => Explain(System.Text.Encoding.UTF8.GetBytes(text));

    private static Failure TryParseCore<T>(ReadOnlySpan<T> s, out DateTimeOffset value)
        where T : unmanaged, IBinaryInteger<T>
    {
        value = default;
        if (s.Length < 20)
        {
            return Failure.Syntax;
        }

        if (!(TryDigits(s[..4], out int year) && At(s, 4) == '-' && TryDigits(s.Slice(5, 2), out int month) && At(s, 7) == '-' && TryDigits(s.Slice(8, 2), out int day)
              && (At(s, 10) == 'T' || At(s, 10) == 't') && TryDigits(s.Slice(11, 2), out int hour) && At(s, 13) == ':' && TryDigits(s.Slice(14, 2), out int minute)
              && At(s, 16) == ':' && TryDigits(s.Slice(17, 2), out int second)))
        {
            return Failure.Syntax;
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
            if (digits == 0)
            {
                return Failure.Syntax;
            }

            // The first seven digits are 100 ns ticks; the rest are truncated (see the type's remarks).
            TryDigits(s.Slice(start, Math.Min(digits, 7)), out int fraction);
            fractionTicks = fraction;
            for (int k = digits; k < 7; k++)
            {
                fractionTicks *= 10;
            }
        }

        var zone = s[i..];
        int offsetMinutes;
        if (zone.Length == 1 && (At(zone, 0) == 'Z' || At(zone, 0) == 'z'))
        {
            offsetMinutes = 0;
        }
        else if (zone.Length == 6 && (At(zone, 0) == '+' || At(zone, 0) == '-') && TryDigits(zone.Slice(1, 2), out int oh) && At(zone, 3) == ':' && TryDigits(zone.Slice(4, 2), out int om))
        {
            if (oh > 23 || om > 59)
            {
                return Failure.Range;
            }

            offsetMinutes = At(zone, 0) == '-' ? -((oh * 60) + om) : (oh * 60) + om;
        }
        else
        {
            return Failure.Syntax;
        }

        if (month is < 1 or > 12 || day < 1 || year < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60)
        {
            return Failure.Range;
        }

        bool leap = second == 60;
        long ticks = new DateTime(year, month, day, hour, minute, leap ? 59 : second, DateTimeKind.Unspecified).Ticks + fractionTicks;
        long utcTicks = ticks - (offsetMinutes * TimeSpan.TicksPerMinute);
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return Failure.Range; // outside DateTimeOffset's range once the offset is applied
        }

        if (leap)
        {
            var utc = new DateTime(utcTicks, DateTimeKind.Utc);
            if (utc.Hour != 23 || utc.Minute != 59 || utc.Day != DateTime.DaysInMonth(utc.Year, utc.Month))
            {
                return Failure.LeapSecond;
            }
        }

        value = Math.Abs(offsetMinutes) <= 14 * 60
            ? new DateTimeOffset(ticks, TimeSpan.FromMinutes(offsetMinutes))
            : new DateTimeOffset(utcTicks, TimeSpan.Zero);
        return Failure.None;
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
