namespace Billing.Domain.Burns;

/// <summary>Fiat → token conversion of docs/contract.md §7, in integers only.</summary>
public static class TokenMath
{
    /// <summary>
    /// tokenAmount (base units) = floor(usdMinor × 10^decimals / (price × 100)), with price = mantissa × 10^exponent.
    /// Rearranged so every step is an exact integer: floor(usdMinor × 10^decimals × 10^-exponent / (mantissa × 100))
    /// for negative exponents (and the symmetric form otherwise). Throws when the result does not fit a u64.
    /// </summary>
    public static ulong UsdMinorToTokens(long usdMinor, PriceQuote price, int decimals)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(usdMinor);
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        if (!price.IsPositive)
        {
            throw new ArgumentException("price must be positive", nameof(price));
        }

        if (!price.HasPriceExponent)
        {
            throw new ArgumentOutOfRangeException(nameof(price), $"the price exponent {price.Exponent} is outside {PriceQuote.MinExponent}..{PriceQuote.MaxExponent}");
        }

        BigInteger numerator = usdMinor * BigInteger.Pow(10, decimals);
        BigInteger denominator = new BigInteger(price.Mantissa) * 100;
        if (price.Exponent < 0)
        {
            numerator *= BigInteger.Pow(10, -price.Exponent);
        }
        else
        {
            denominator *= BigInteger.Pow(10, price.Exponent);
        }

        BigInteger tokens = BigInteger.Divide(numerator, denominator); // floor: both sides are non-negative
        if (tokens > ulong.MaxValue)
        {
            throw new OverflowException($"{usdMinor} minor units at {price} USD/token is more than a u64 of base units");
        }

        return (ulong)tokens;
    }
}
