namespace Billing.Domain.Burns;

/// <summary>
/// A USD price per whole token as a fixed-point integer, the way Pyth publishes it: <c>price = Mantissa × 10^Exponent</c>
/// (2.50 USD is 250 × 10^-2). No floating point anywhere between the oracle and the burn.
/// </summary>
public sealed record PriceQuote(long Mantissa, int Exponent, long Confidence, DateTimeOffset PublishTime, string Source)
{
    /// <summary>
    /// The exponents a price may have (Pyth's feeds use -12 to 0). Beyond them a quote is no price: 10^30 USD a token rounds
    /// every burn to nothing, 10^-40 overflows every conversion, and the powers of ten themselves grow without bound.
    /// </summary>
    public const int MinExponent = -18;

    /// <inheritdoc cref="MinExponent"/>
    public const int MaxExponent = 18;

    public static PriceQuote Parse(string text, DateTimeOffset publishTime, string source)
    {
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value) || value <= 0)
        {
            throw new FormatException($"'{text}' is not a positive decimal price");
        }

        int scale = value.Scale;
        return new PriceQuote(checked((long)(value * Pow10(scale))), -scale, 0, publishTime, source);
    }

    public bool IsPositive => Mantissa > 0;

    /// <summary>Whether <see cref="Exponent"/> is a price's (<see cref="IsPriceExponent"/>).</summary>
    public bool HasPriceExponent => IsPriceExponent(Exponent);

    /// <summary>Whether <paramref name="exponent"/> is within <see cref="MinExponent"/>..<see cref="MaxExponent"/>.</summary>
    public static bool IsPriceExponent(int exponent) => exponent is >= MinExponent and <= MaxExponent;

    /// <summary>
    /// Whether the confidence interval is at most <paramref name="basisPoints"/> hundredths of a percent of the price (both share
    /// the exponent, so the mantissas compare). Pyth's advice: a wide interval is a price not to act on.
    /// </summary>
    public bool ConfidenceWithin(int basisPoints) => IsPositive && Confidence >= 0 && (Int128)Confidence * 10_000 <= (Int128)Mantissa * basisPoints;

    /// <summary>
    /// Compares the prices alone (not confidence, time or source) exactly, as integers scaled to the smaller exponent: never
    /// through floating point, where 2.49999999 and 2.5 could meet. Both need a price exponent (<see cref="HasPriceExponent"/>).
    /// </summary>
    public int ComparePrice(PriceQuote other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!HasPriceExponent || !other.HasPriceExponent)
        {
            throw new ArgumentOutOfRangeException(nameof(other), $"{this} and {other} are not both prices (exponent {MinExponent}..{MaxExponent})");
        }

        int common = Math.Min(Exponent, other.Exponent);
        return (Mantissa * BigInteger.Pow(10, Exponent - common)).CompareTo(other.Mantissa * BigInteger.Pow(10, other.Exponent - common));
    }

    /// <summary>The confidence interval as exact decimal text, e.g. "0.05" (the price's <see cref="ToString"/> form).</summary>
    public string ConfidenceText => Format(Confidence, Exponent);

    public TimeSpan Age(DateTimeOffset now) => now - PublishTime;

    /// <summary>Exact decimal text, e.g. "2.50"; a quote with no price exponent shows as <c>{mantissa}e{exponent}</c>.</summary>
    public override string ToString() => Format(Mantissa, Exponent);

    private static string Format(long mantissa, int exponent)
    {
        if (!IsPriceExponent(exponent))
        {
            return FormattableString.Invariant($"{mantissa}e{exponent}"); // never 10^exponent in full: it could be 2^31 digits
        }

        var value = new BigInteger(mantissa);
        if (exponent >= 0)
        {
            return (value * BigInteger.Pow(10, exponent)).ToString(CultureInfo.InvariantCulture);
        }

        string digits = BigInteger.Abs(value).ToString(CultureInfo.InvariantCulture).PadLeft(-exponent + 1, '0');
        string text = digits[..^(-exponent)] + "." + digits[^(-exponent)..];
        return (value.Sign < 0 ? "-" : "") + text;
    }

    private static decimal Pow10(int n)
    {
        decimal r = 1;
        for (int i = 0; i < n; i++)
        {
            r *= 10;
        }

        return r;
    }
}
