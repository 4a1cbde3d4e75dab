namespace Billing.Domain;

/// <summary>
/// An exact amount of money: an integer count of minor units (cents for USD) in one currency.
/// All arithmetic is overflow-checked (throws <see cref="OverflowException"/>); mixing currencies throws
/// <see cref="CurrencyMismatchException"/>. <c>ToString()</c> is invariant, e.g. <c>0.12</c>, <c>-3.50</c>.
/// </summary>
public readonly record struct Money : IComparable<Money>
{
    private static readonly long[] Pow10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

    public Money(long minorUnits, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        if (currency.Exponent >= Pow10.Length)
        {
            throw new ArgumentException($"Currency {currency} has an unsupported exponent {currency.Exponent}.", nameof(currency));
        }

        MinorUnits = minorUnits;
        Currency = currency;
    }

    public long MinorUnits { get; }

    public Currency Currency { get; }

    public bool IsZero => MinorUnits == 0;

    public bool IsNegative => MinorUnits < 0;

    public static Money Zero(Currency currency) => new(0, currency);

    /// <summary>Rounds <paramref name="amount"/> half away from zero to the currency's minor unit.</summary>
    public static Money FromDecimal(decimal amount, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(currency);
        decimal rounded = Math.Round(amount, currency.Exponent, MidpointRounding.AwayFromZero);
        decimal minor = rounded * Pow10[currency.Exponent]; // decimal overflow throws
        return new Money(decimal.ToInt64(minor), currency); // throws OverflowException beyond long
    }

    /// <summary>
    /// Parses the invariant form produced by <see cref="ToString"/>: optional '-', digits, and at most
    /// <see cref="Currency.Exponent"/> decimals (e.g. "12", "0.1", "-0.12"). Anything else throws <see cref="FormatException"/>.
    /// </summary>
    public static Money Parse(string text, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(currency);
        ReadOnlySpan<char> s = text;
        bool negative = s.Length > 0 && s[0] == '-';
        if (negative)
        {
            s = s[1..];
        }

        int dot = s.IndexOf('.');
        ReadOnlySpan<char> whole = dot < 0 ? s : s[..dot];
        ReadOnlySpan<char> fraction = dot < 0 ? [] : s[(dot + 1)..];
        if (whole.Length == 0 || !AllDigits(whole) || (dot >= 0 && (fraction.Length == 0 || !AllDigits(fraction)))
            || fraction.Length > currency.Exponent)
        {
            throw new FormatException($"'{text}' is not a {currency} amount (expected e.g. \"12.34\" with at most {currency.Exponent} decimals).");
        }

        try
        {
            long units = long.Parse(whole, NumberStyles.None, CultureInfo.InvariantCulture);
            long frac = fraction.Length == 0 ? 0 : long.Parse(fraction, NumberStyles.None, CultureInfo.InvariantCulture);
            long minor = checked((units * Pow10[currency.Exponent]) + (frac * Pow10[currency.Exponent - fraction.Length]));
            return new Money(negative ? -minor : minor, currency);
        }
        catch (OverflowException e)
        {
            throw new FormatException($"'{text}' is out of range for a {currency} amount.", e);
        }
    }

    /// <summary>The exact decimal value, with exactly <see cref="Currency.Exponent"/> decimals (e.g. 0.10m).</summary>
    public decimal ToDecimal() => Currency is null ? 0m : ToDecimalCore();

    private decimal ToDecimalCore()
    {
        // new decimal(lo, mid, hi, isNegative, scale) keeps the scale, so 10 cents is 0.10 not 0.1.
        ulong magnitude = MinorUnits < 0 ? unchecked((ulong)(-(MinorUnits + 1)) + 1) : (ulong)MinorUnits;
        return new decimal(unchecked((int)(uint)magnitude), unchecked((int)(uint)(magnitude >> 32)), 0, MinorUnits < 0, (byte)Currency.Exponent);
    }

    public override string ToString() =>
        Currency is null ? "0" : ToDecimalCore().ToString("F" + Currency.Exponent.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>For people: major units with thousands separators and the code, exactly (e.g. <c>2,330.80 USD</c>, <c>-0.05 EUR</c>).</summary>
    public string ToDisplayString() =>
        Currency is null ? "0" : $"{ToDecimalCore().ToString("N" + Currency.Exponent.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)} {Currency.Code}";

    public int CompareTo(Money other)
    {
        EnsureSameCurrency(other);
        return MinorUnits.CompareTo(other.MinorUnits);
    }

    public static Money operator +(Money left, Money right)
    {
        left.EnsureSameCurrency(right);
        return new Money(checked(left.MinorUnits + right.MinorUnits), left.Currency);
    }

    public static Money operator -(Money left, Money right)
    {
        left.EnsureSameCurrency(right);
        return new Money(checked(left.MinorUnits - right.MinorUnits), left.Currency);
    }

    public static Money operator -(Money value) => new(checked(-value.MinorUnits), value.Currency);

    public static Money operator *(Money value, long factor) => new(checked(value.MinorUnits * factor), value.Currency);

    public static bool operator <(Money left, Money right) => left.CompareTo(right) < 0;

    public static bool operator >(Money left, Money right) => left.CompareTo(right) > 0;

    public static bool operator <=(Money left, Money right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Money left, Money right) => left.CompareTo(right) >= 0;

    /// <summary>Sums amounts (overflow-checked); an empty sequence gives zero in <paramref name="currency"/>.</summary>
    public static Money Sum(IEnumerable<Money> amounts, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(amounts);
        Money total = Zero(currency);
        foreach (Money amount in amounts)
        {
            total += amount;
        }

        return total;
    }

    private void EnsureSameCurrency(Money other)
    {
        if (Currency is null || other.Currency is null)
        {
            throw new InvalidOperationException("Money has no currency (default value).");
        }

        if (Currency != other.Currency)
        {
            throw new CurrencyMismatchException(Currency, other.Currency);
        }
    }

    private static bool AllDigits(ReadOnlySpan<char> s)
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
