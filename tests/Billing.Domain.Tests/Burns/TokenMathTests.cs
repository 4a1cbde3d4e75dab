namespace Billing.Domain.Tests.Burns;

public class TokenMathTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static PriceQuote Price(string text) => PriceQuote.Parse(text, At, "test");

    [Fact]
    public void UsdMinorToTokens_ContractExample_Is4938000000()
    {
        Assert.Equal(4_938_000_000UL, TokenMath.UsdMinorToTokens(12_345, Price("2.50"), 8));
    }

    [Theory]
    [InlineData(1, "2.50", 8, 400_000UL)]               // 0.01 USD → 0.004 tokens
    [InlineData(1, "3", 0, 0UL)]                        // floors to zero: recorded, not sent
    [InlineData(10, "3", 2, 3UL)]                       // 0.10 / 3 = 0.0333… → 3 base units of 0.01
    [InlineData(100, "0.000001", 0, 1_000_000UL)]       // 1 USD at a micro-dollar price
    [InlineData(99, "1", 0, 0UL)]
    [InlineData(100, "1", 0, 1UL)]
    public void UsdMinorToTokens_Cases_FloorExactly(long usdMinor, string price, int decimals, ulong expected)
    {
        Assert.Equal(expected, TokenMath.UsdMinorToTokens(usdMinor, Price(price), decimals));
    }

    [Fact]
    public void UsdMinorToTokens_PythStyleExponent_MatchesDecimalPrice()
    {
        var pyth = new PriceQuote(250_000_000, -8, 10_000, At, "pyth");   // 2.50000000
        var positive = new PriceQuote(25, 1, 0, At, "test");             // 250

        Assert.Equal(4_938_000_000UL, TokenMath.UsdMinorToTokens(12_345, pyth, 8));
        Assert.Equal(49_380_000UL, TokenMath.UsdMinorToTokens(12_345, positive, 8));
    }

    [Fact]
    public void UsdMinorToTokens_LargestPayment_NoOverflowInBetween()
    {
        // long.MaxValue cents × 10^8 overflows 64 bits on the way; the result at a high price still fits a u64.
        ulong tokens = TokenMath.UsdMinorToTokens(long.MaxValue, Price("1000000000"), 8);

        Assert.Equal(9_223_372_036_854_775UL, tokens); // floor(9223372036854775807 × 10^8 / 10^11)
    }

    [Fact]
    public void UsdMinorToTokens_ResultBeyondU64_Throws()
    {
        Assert.Throws<OverflowException>(() => TokenMath.UsdMinorToTokens(long.MaxValue, Price("0.01"), 8));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    public void PriceQuoteParse_NotPositiveDecimal_Throws(string text)
    {
        Assert.Throws<FormatException>(() => Price(text));
    }

    [Theory]
    [InlineData("2.50", 250L, -2)]
    [InlineData("1000", 1000L, 0)]
    [InlineData("0.000001", 1L, -6)]
    public void PriceQuoteParse_Decimal_IsExactFixedPoint(string text, long mantissa, int exponent)
    {
        var quote = Price(text);

        Assert.Equal((mantissa, exponent), (quote.Mantissa, quote.Exponent));
        Assert.Equal(text, quote.ToString());
    }

    [Theory]
    [InlineData(19)]
    [InlineData(-19)]
    [InlineData(int.MinValue)] // its negation is itself: 10^-x was an ArgumentOutOfRangeException from BigInteger.Pow
    [InlineData(int.MaxValue)] // 10^x would be 2^31 digits
    public void UsdMinorToTokens_ExponentOutsideThePriceRange_ThrowsBeforeAnyPower(int exponent)
    {
        var quote = new PriceQuote(250, exponent, 0, DateTimeOffset.UnixEpoch, "test");

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TokenMath.UsdMinorToTokens(100, quote, 8));
        Assert.Contains($"exponent {exponent}", e.Message, StringComparison.Ordinal);
        Assert.Equal($"250e{exponent}", quote.ToString());
    }

    [Theory]
    [InlineData(250_000_000L, 5_000_000L, 200, true)] // 2.50 ± 0.05: exactly 2 %
    [InlineData(250_000_000L, 5_000_001L, 200, false)]
    [InlineData(250_000_000L, 0L, 0, true)] // an exact price passes even a zero limit
    [InlineData(long.MaxValue, long.MaxValue, 10_000, true)] // the products need more than 64 bits
    [InlineData(1L, long.MaxValue, 10_000, false)]
    [InlineData(250_000_000L, -1L, 200, false)] // no interval is negative
    public void ConfidenceWithin_BasisPointsOfThePrice_ComparesExactly(long mantissa, long confidence, int basisPoints, bool within)
    {
        Assert.Equal(within, new PriceQuote(mantissa, -8, confidence, DateTimeOffset.UnixEpoch, "test").ConfidenceWithin(basisPoints));
    }

    [Fact]
    public void ConfidenceText_SharesThePriceExponent()
    {
        Assert.Equal("0.05000000", new PriceQuote(250_000_000, -8, 5_000_000, DateTimeOffset.UnixEpoch, "test").ConfidenceText);
    }
}
