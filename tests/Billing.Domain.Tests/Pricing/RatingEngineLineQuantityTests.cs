namespace Billing.Domain.Tests.Pricing;

/// <summary>
/// An invoice line's quantity is shown to 6 decimals, but a plan may slice finer (a tier bound like 0.0000001 units, or a
/// divisor above a million with no rounding): such a line showed quantity 0 beside a non-zero amount.
/// </summary>
public class RatingEngineLineQuantityTests
{
    private static readonly BillingPeriod October = new(2026, 10);

    private static PricePlan Plan(string fields) => TestPlans.OneMeter(fields);

    private static Invoice Rate(PricePlan plan, long raw) =>
        RatingEngine.Rate(plan, "payer", October, [new MeterUsage("m.a", new Dictionary<string, string>(), raw)]);

    [Fact]
    public void Rate_TierBoundBelowAMillionthOfAUnit_TierLineShowsItsQuantity()
    {
        var plan = Plan("\"price\":{\"model\":\"graduated\",\"tiers\":[{\"upTo\":\"0.0000001\",\"unitPrice\":\"1000000\"},{\"unitPrice\":\"0.01\"}]}");

        Invoice invoice = Rate(plan, 1);

        Assert.Equal([0.0000001m, 1m], invoice.Lines.Select(l => l.Quantity)); // before: 0 (the second: 0.9999999 shown to 6 decimals)
        Assert.Equal(["0.10", "0.01"], invoice.Lines.Select(l => l.Amount.ToString()));
    }

    [Theory]
    [InlineData(1, 10_000_000, "1000000", "0.0000001", "0.10")]
    [InlineData(1, 30_000_000, "1000000", "0.00000003", "0.03")] // 1/30,000,000 = 0.0000000333…: its first significant digit
    [InlineData(7, 100_000_000_000_000_000, "10000000000000000", "0.00000000000000007", "0.70")] // the largest power of ten a divisor may be
    public void Rate_QuantityBelowAMillionthOfAUnit_LineShowsItNotZero(long raw, long divisor, string unitPrice, string quantity, string amount)
    {
        var plan = Plan($"\"divisor\":\"{divisor}\",\"price\":{{\"model\":\"perUnit\",\"unitPrice\":\"{unitPrice}\"}}");

        InvoiceLine line = Assert.Single(Rate(plan, raw).Lines);

        Assert.Equal(decimal.Parse(quantity, System.Globalization.CultureInfo.InvariantCulture), line.Quantity); // before: 0
        Assert.Equal(amount, line.Amount.ToString());
    }

    [Theory]
    [InlineData(1, 3, "0.333333")] // more than 6 decimals but not below a millionth: still 6 decimals
    [InlineData(1_234_567, 1_000_000, "1.234567")]
    [InlineData(12_345_675, 10_000_000, "1.234568")] // half away from zero
    public void Rate_QuantityOfAMillionthOrMore_ShownToSixDecimals(long raw, long divisor, string quantity)
    {
        var plan = Plan($"\"divisor\":\"{divisor}\",\"price\":{{\"model\":\"perUnit\",\"unitPrice\":\"1\"}}");

        Assert.Equal(decimal.Parse(quantity, System.Globalization.CultureInfo.InvariantCulture), Assert.Single(Rate(plan, raw).Lines).Quantity);
    }
}
