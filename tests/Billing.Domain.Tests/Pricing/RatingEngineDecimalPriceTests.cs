namespace Billing.Domain.Tests.Pricing;

/// <summary>
/// Plan prices and tier bounds are decimals of up to 28 places; every one the plan loader accepts must rate exactly.
/// A decimal's 96-bit mantissa is three 32-bit words, and a word at or above 2^31 (e.g. 2147483648, or 0.000012345678912)
/// was read with a checked cast to uint, which threw.
/// </summary>
public class RatingEngineDecimalPriceTests
{
    private static readonly BillingPeriod October = new(2026, 10);

    private static PricePlan Plan(string price) => TestPlans.OneMeter($"\"price\":{price}");

    [Theory]
    [InlineData("21.47483648", 1_000, 2_147_484)] // mantissa 2^31: its low word has the top bit set
    [InlineData("0.000012345678912", 100_000_000, 123_457)] // 12,345,678,912 = 0x2_DFDC_1C40
    [InlineData("0.0000000000000000000000000001", 1, 0)] // 28 places
    [InlineData("79228162514.264337593543950335", 1, 7_922_816_251_426)] // the largest mantissa, 2^96 − 1
    public void Rate_UnitPriceWhoseMantissaUsesTheTopBitOfAWord_PricesExactly(string unitPrice, long units, long minor)
    {
        var plan = Plan($"{{\"model\":\"perUnit\",\"unitPrice\":\"{unitPrice}\"}}");

        // Before: OverflowException, so every close of a payer on this plan failed.
        var invoice = RatingEngine.Rate(plan, "payer", October, [new MeterUsage("m.a", new Dictionary<string, string>(), units)]);

        Assert.Equal(minor, invoice.Total.MinorUnits);
    }

    [Fact]
    public void Rate_TierBoundWhoseMantissaUsesTheTopBitOfAWord_Tiers()
    {
        var plan = Plan("{\"model\":\"graduated\",\"tiers\":[{\"upTo\":\"2147483648\",\"unitPrice\":\"0.01\"},{\"unitPrice\":\"0.02\"}]}");

        var invoice = RatingEngine.Rate(plan, "payer", October, [new MeterUsage("m.a", new Dictionary<string, string>(), 2_147_483_658)]);

        Assert.Equal(2_147_483_648 + 20, invoice.Total.MinorUnits);
    }
}
