namespace Billing.Domain;

/// <summary>
/// A billing period: one calendar month in UTC, the half-open interval <c>[Start, End)</c> where
/// <see cref="Start"/> is the first instant of the month (00:00:00Z on day 1) and <see cref="End"/> is the first
/// instant of the next month, which is NOT part of the period. Text form <c>yyyy-MM</c> (e.g. <c>2026-10</c>).
/// Supported years: 1..9998 (so <see cref="End"/> is always representable). <c>default</c> is 0001-01.
/// </summary>
public readonly struct BillingPeriod : IEquatable<BillingPeriod>, IComparable<BillingPeriod>
{
    private const int MaxYear = 9998;
    private const int MaxIndex = (MaxYear * 12) - 1;

    private readonly int _index; // months since 0001-01

    public BillingPeriod(int year, int month)
    {
        if (year is < 1 or > MaxYear)
        {
            throw new ArgumentOutOfRangeException(nameof(year), year, $"Year must be between 1 and {MaxYear}.");
        }

        if (month is < 1 or > 12)
        {
            throw new ArgumentOutOfRangeException(nameof(month), month, "Month must be between 1 and 12.");
        }

        _index = ((year - 1) * 12) + (month - 1);
    }

    private BillingPeriod(int index) => _index = index;

    public int Year => (_index / 12) + 1;

    public int Month => (_index % 12) + 1;

    /// <summary>First instant of the period (inclusive), UTC.</summary>
    public DateTimeOffset Start => new(Year, Month, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>First instant after the period (exclusive), UTC.</summary>
    public DateTimeOffset End => Start.AddMonths(1);

    public BillingPeriod Previous => _index == 0
        ? throw new InvalidOperationException("0001-01 has no previous billing period.")
        : new BillingPeriod(_index - 1);

    public BillingPeriod Next => _index == MaxIndex
        ? throw new InvalidOperationException($"{this} has no next billing period.")
        : new BillingPeriod(_index + 1);

    /// <summary>The period that contains <paramref name="instant"/> (converted to UTC).</summary>
    public static BillingPeriod Containing(DateTimeOffset instant)
    {
        DateTime utc = instant.UtcDateTime;
        return new BillingPeriod(utc.Year, utc.Month);
    }

    /// <summary>True when <c>Start &lt;= instant &lt; End</c> (half-open; compared as UTC instants).</summary>
    public bool Contains(DateTimeOffset instant) => instant >= Start && instant < End;

    /// <summary>True once <paramref name="now"/> has reached <see cref="End"/>, i.e. no instant of the period is in the future.</summary>
    public bool HasEnded(DateTimeOffset now) => now >= End;

    public bool HasEnded(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return HasEnded(clock.GetUtcNow());
    }

    /// <summary>Parses exactly <c>yyyy-MM</c> (4-digit year, 2-digit month 01..12); throws <see cref="FormatException"/> otherwise.</summary>
    public static BillingPeriod Parse(string text) =>
        TryParse(text, out BillingPeriod period)
            ? period
            : throw new FormatException($"'{text}' is not a billing period; expected yyyy-MM, e.g. 2026-10.");

    public static bool TryParse(string? text, out BillingPeriod period)
    {
        period = default;
        if (text is null || text.Length != 7 || text[4] != '-')
        {
            return false;
        }

        return TryCreate(text.AsSpan(0, 4), text.AsSpan(5, 2), out period);
    }

    /// <summary>Parses exactly <c>yyyyMM</c> (the form used in invoice ids); throws <see cref="FormatException"/> otherwise.</summary>
    public static BillingPeriod ParseCompact(string text) =>
        text is not null && text.Length == 6 && TryCreate(text.AsSpan(0, 4), text.AsSpan(4, 2), out BillingPeriod period)
            ? period
            : throw new FormatException($"'{text}' is not a compact billing period; expected yyyyMM, e.g. 202610.");

    /// <summary><c>yyyy-MM</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}");

    /// <summary><c>yyyyMM</c>, as used in invoice ids.</summary>
    public string ToCompactString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}{Month:D2}");

    public bool Equals(BillingPeriod other) => _index == other._index;

    public override bool Equals(object? obj) => obj is BillingPeriod other && Equals(other);

    public override int GetHashCode() => _index;

    public int CompareTo(BillingPeriod other) => _index.CompareTo(other._index);

    public static bool operator ==(BillingPeriod left, BillingPeriod right) => left.Equals(right);

    public static bool operator !=(BillingPeriod left, BillingPeriod right) => !left.Equals(right);

    public static bool operator <(BillingPeriod left, BillingPeriod right) => left._index < right._index;

    public static bool operator >(BillingPeriod left, BillingPeriod right) => left._index > right._index;

    public static bool operator <=(BillingPeriod left, BillingPeriod right) => left._index <= right._index;

    public static bool operator >=(BillingPeriod left, BillingPeriod right) => left._index >= right._index;

    private static bool TryCreate(ReadOnlySpan<char> year, ReadOnlySpan<char> month, out BillingPeriod period)
    {
        period = default;
        foreach (char c in year)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        foreach (char c in month)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        int y = int.Parse(year, NumberStyles.None, CultureInfo.InvariantCulture);
        int m = int.Parse(month, NumberStyles.None, CultureInfo.InvariantCulture);
        if (y is < 1 or > MaxYear || m is < 1 or > 12)
        {
            return false;
        }

        period = new BillingPeriod(y, m);
        return true;
    }
}
