namespace Billing.Domain.Tests.Burns;

/// <summary>The operator's price band and the exact comparison of prices it stands on.</summary>
public class PriceBandTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static PriceQuote Price(long mantissa, int exponent) => new(mantissa, exponent, 0, At, "test");

    [Theory]
    [InlineData(25, -1, 2_500_000_000_000_000_000, -18, 0)] // 2.5 = 2.500000000000000000
    [InlineData(249_999_999, -8, 25, -1, -1)]
    [InlineData(1_000_000_000_000_000_001, -18, 1, 0, 1)] // 1.000000000000000001 > 1: as doubles both are 1
    [InlineData(long.MaxValue, 18, long.MaxValue, -18, 1)] // the extremes: no overflow on the way
    [InlineData(1, -18, 1, 18, -1)]
    public void ComparePrice_DifferentExponents_ComparesExactly(long a, int aExponent, long b, int bExponent, int expected)
    {
        Assert.Equal(expected, Math.Sign(Price(a, aExponent).ComparePrice(Price(b, bExponent))));
        Assert.Equal(-expected, Math.Sign(Price(b, bExponent).ComparePrice(Price(a, aExponent))));
    }

    [Fact]
    public void ComparePrice_NoPriceExponent_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Price(25, -1).ComparePrice(Price(25, 19)));
    }

    [Theory]
    [InlineData(99, -2, true, false)]
    [InlineData(100, -2, false, false)] // the bounds are inside
    [InlineData(1_000, -2, false, false)]
    [InlineData(1_001, -2, false, true)]
    public void IsBelowIsAbove_BoundsInclusive(long mantissa, int exponent, bool below, bool above)
    {
        var band = new PriceBand(Price(1, 0), Price(10, 0));

        Assert.Equal((below, above), (band.IsBelow(Price(mantissa, exponent)), band.IsAbove(Price(mantissa, exponent))));
    }

    [Fact]
    public void IsBelowIsAbove_NoBound_NeverOutside()
    {
        Assert.False(PriceBand.None.IsBelow(Price(1, -18)));
        Assert.False(PriceBand.None.IsAbove(Price(long.MaxValue, 18)));
    }

    [Fact]
    public void ToString_AbsentBoundsLeftEmpty()
    {
        Assert.Equal(("1.00..10", "1.00..", "..10", ".."), (new PriceBand(Price(100, -2), Price(10, 0)).ToString(), new PriceBand(Price(100, -2), null).ToString(), new PriceBand(null, Price(10, 0)).ToString(), PriceBand.None.ToString()));
    }
}
