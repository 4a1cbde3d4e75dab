namespace Billing.Domain.Tests.Pricing;

public class TierModelTests
{
    private static readonly BillingPeriod Period = new(2026, 10);

    private static PricePlan Plan(PriceSchedule schedule, QuantityRounding rounding = QuantityRounding.None, long divisor = 1, Money? minimum = null) =>
        new("test", Currency.USD, [new MeterPricing("offload.sessions", "Sessions", new UnitConversion(divisor, rounding, "session"), schedule)], minimum);

    private static Invoice Rate(PricePlan plan, long quantity) =>
        RatingEngine.Rate(plan, "p", Period, [new MeterUsage("offload.sessions", new Dictionary<string, string>(), quantity)]);

    private static readonly PriceTier[] Tiers =
    [
        new(100m, 1.00m),
        new(1_000m, 0.50m),
        new(null, 0.10m),
    ];

    [Theory]
    [InlineData(50, "50.00")]      // all in tier 1
    [InlineData(100, "100.00")]    // boundary is inclusive
    [InlineData(101, "50.50")]     // whole quantity at tier 2
    [InlineData(1_000, "500.00")]
    [InlineData(1_001, "100.10")]  // whole quantity at tier 3
    public void Rate_VolumeTiers_WholeQuantityAtReachedTier(long quantity, string expectedTotal)
    {
        Invoice invoice = Rate(Plan(new PriceSchedule(TierMode.Volume, Tiers)), quantity);

        InvoiceLine line = Assert.Single(invoice.Lines);
        Assert.Equal(quantity, line.Quantity);
        Assert.Equal(expectedTotal, invoice.Total.ToString());
    }

    [Theory]
    [InlineData(50, 1, "50.00")]
    [InlineData(100, 1, "100.00")]
    [InlineData(101, 2, "100.50")]
    [InlineData(1_001, 3, "550.10")]
    public void Rate_GraduatedTiers_EachTierPricesItsSlice(long quantity, int expectedLines, string expectedTotal)
    {
        Invoice invoice = Rate(Plan(new PriceSchedule(TierMode.Graduated, Tiers)), quantity);

        Assert.Equal(expectedLines, invoice.Lines.Count);
        Assert.Equal(quantity, invoice.Lines.Sum(l => l.Quantity));
        Assert.Equal(expectedTotal, invoice.Total.ToString());
        Assert.Equal("Sessions (tier 1)", invoice.Lines[0].Description);
    }

    [Theory]
    [InlineData(QuantityRounding.Ceiling, 1_001, 2)]
    [InlineData(QuantityRounding.Floor, 1_999, 1)]
    [InlineData(QuantityRounding.Floor, 999, 0)]
    public void Rate_PackageRounding_AppliesToTotal(QuantityRounding rounding, long raw, int expectedPackages)
    {
        Invoice invoice = Rate(Plan(PriceSchedule.PerUnit(5m), rounding, divisor: 1_000), raw);

        if (expectedPackages == 0)
        {
            Assert.Empty(invoice.Lines); // zero quantity → no line
        }
        else
        {
            Assert.Equal(expectedPackages, Assert.Single(invoice.Lines).Quantity);
        }
    }

    [Fact]
    public void Rate_NegativeQuantity_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Rate(Plan(PriceSchedule.PerUnit(1m)), -1));
    }

    [Fact]
    public void PriceSchedule_NonAscendingTiers_Throws()
    {
        Assert.Throws<ArgumentException>(() => new PriceSchedule(TierMode.Graduated, [new(10m, 1m), new(10m, 1m), new(null, 1m)]));
        Assert.Throws<ArgumentException>(() => new PriceSchedule(TierMode.Graduated, [new(10m, 1m)]));
    }

    [Fact]
    public void Rate_PlanMismatch_Throws()
    {
        PricePlan a = Plan(PriceSchedule.PerUnit(1m));
        var b = new PricePlan("other", Currency.USD, a.Meters);

        Assert.Throws<ArgumentException>(() => RatingEngine.Rate(b, "p", Period, new UsageAccumulator(a)));
    }
}
