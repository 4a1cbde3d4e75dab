namespace Billing.Domain.Burns;

/// <summary>
/// A USD price per whole token as a fixed-point integer, the way Pyth publishes it: <c>price = Mantissa × 10^Exponent</c>
/// (2.50 USD is 250 × 10^-2). No floating point anywhere between the oracle and the burn.
/// </summary>
public sealed record PriceQuote(long Mantissa, int Exponent, long Confidence, DateTimeOffset PublishTime, string Source)
{
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

    public TimeSpan Age(DateTimeOffset now) => now - PublishTime;

    /// <summary>Exact decimal text, e.g. "2.50".</summary>
    public override string ToString()
    {
        var value = new BigInteger(Mantissa);
        if (Exponent >= 0)
        {
            return (value * BigInteger.Pow(10, Exponent)).ToString(CultureInfo.InvariantCulture);
        }

        string digits = BigInteger.Abs(value).ToString(CultureInfo.InvariantCulture).PadLeft(-Exponent + 1, '0');
        string text = digits[..^(-Exponent)] + "." + digits[^(-Exponent)..];
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
