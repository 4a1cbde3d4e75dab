using static Billing.Domain.Tests.Pricing.TestPlans;

namespace Billing.Domain.Tests.Pricing;

/// <summary>Fixed usage → exact invoices (cents), as in billing-engine golden tests.</summary>
public class RatingEngineGoldenTests
{
    private const long BytesPerDc = 100_000;
    private const long Tier1Dc = 1_000_000_000;
    private static readonly BillingPeriod October = new(2026, 10);

    private static Invoice RateCarrier(params MeterUsage[] usage) => RatingEngine.Rate(Carrier, "carrier-tmo", October, usage);

    private static Invoice RateCompute(params MeterUsage[] usage) => RatingEngine.Rate(Compute, "tenant-acme", October, usage);

    private static void AssertLine(InvoiceLine line, string meter, string quantity, string unitPrice, string amount)
    {
        Assert.Equal(meter, line.Meter);
        Assert.Equal(quantity, line.Quantity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(unitPrice, line.UnitPrice.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(amount, line.Amount.ToString());
    }

    [Fact]
    public void Rate_Carrier12345Dc_MatchesPublicExample()
    {
        Invoice invoice = RateCarrier(Bytes(12_345 * BytesPerDc));

        InvoiceLine line = Assert.Single(invoice.Lines);
        AssertLine(line, "offload.bytes", "12345", "0.00001", "0.12");
        Assert.Equal("Data offload", line.Description);
        Assert.Equal("DC", line.Unit);
        Assert.Empty(line.Group);
        Assert.Equal("0.12", invoice.Total.ToString());
        Assert.Equal("INV-carrier-tmo-202610", invoice.Id.ToString());
        Assert.Equal(InvoiceStatus.Draft, invoice.Status);
    }

    [Fact]
    public void Rate_ExactlyTier1LimitDc_OnlyTier1Line()
    {
        Invoice invoice = RateCarrier(Bytes(Tier1Dc * BytesPerDc));

        InvoiceLine line = Assert.Single(invoice.Lines);
        AssertLine(line, "offload.bytes", "1000000000", "0.00001", "10000.00");
        Assert.Equal(1_000_000, invoice.Total.MinorUnits);
    }

    [Fact]
    public void Rate_OneDcOverTier1_TwoLines()
    {
        // One byte over the limit is one more DC (ceiling), priced in tier 2.
        Invoice invoice = RateCarrier(Bytes((Tier1Dc * BytesPerDc) + 1));

        Assert.Equal(2, invoice.Lines.Count);
        AssertLine(invoice.Lines[0], "offload.bytes", "1000000000", "0.00001", "10000.00");
        AssertLine(invoice.Lines[1], "offload.bytes", "1", "0.000008", "0.00");
        Assert.Equal("Data offload (above 1,000,000,000 DC)", invoice.Lines[1].Description);
        Assert.Equal("10000.00", invoice.Total.ToString());
    }

    [Fact]
    public void Rate_Tier2_PricedAtTier2Rate()
    {
        // 2,000,000,000 DC: 10,000.00 + 1,000,000,000 × 0.000008 = 8,000.00
        Invoice invoice = RateCarrier(Bytes(2 * Tier1Dc * BytesPerDc));

        AssertLine(invoice.Lines[1], "offload.bytes", "1000000000", "0.000008", "8000.00");
        Assert.Equal("18000.00", invoice.Total.ToString());
    }

    [Fact]
    public void Rate_MaxLongBytes_ExactLargeAmounts()
    {
        // ceil((2^63 - 1) / 100,000) = 92,233,720,368,548 DC; tier 2: 92,232,720,368,548 × 0.000008 = 737,861,762.948384
        Invoice invoice = RateCarrier(Bytes(long.MaxValue));

        AssertLine(invoice.Lines[1], "offload.bytes", "92232720368548", "0.000008", "737861762.95");
        Assert.Equal("737871762.95", invoice.Total.ToString());
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(99_999, 1)]
    [InlineData(100_000, 1)]
    [InlineData(100_001, 2)]
    [InlineData(200_000, 2)]
    public void Rate_Bytes_CeilingToDataCredits(long bytes, long expectedDc)
    {
        Invoice invoice = RateCarrier(Bytes(bytes));

        Assert.Equal(expectedDc, Assert.Single(invoice.Lines).Quantity);
    }

    [Fact]
    public void Rate_DcCeiling_AppliesToPeriodTotalNotPerEvent()
    {
        // 10 events of 1 byte: 10 bytes in total → 1 DC, not 10.
        Invoice invoice = RateCarrier([.. Enumerable.Range(0, 10).Select(i => Bytes(1, $"hs{i}"))]);

        Assert.Equal(1m, Assert.Single(invoice.Lines).Quantity);
    }

    [Fact]
    public void Rate_HalfCentLine_RoundsAwayFromZero()
    {
        // 2,500 DC × 0.00001 = 0.025 exactly → 0.03 (banker's rounding would give 0.02).
        Invoice up = RateCarrier(Bytes(2_500 * BytesPerDc));
        // 2,499 DC → 0.02499 → 0.02
        Invoice down = RateCarrier(Bytes(2_499 * BytesPerDc));

        Assert.Equal("0.03", up.Total.ToString());
        Assert.Equal("0.02", down.Total.ToString());
    }

    [Fact]
    public void Rate_HalfCentInTier2_RoundsAwayFromZero()
    {
        // 625 DC in tier 2 × 0.000008 = 0.005 exactly → 0.01
        Invoice invoice = RateCarrier(Bytes((Tier1Dc + 625) * BytesPerDc));

        AssertLine(invoice.Lines[1], "offload.bytes", "625", "0.000008", "0.01");
        Assert.Equal("10000.01", invoice.Total.ToString());
    }

    [Fact]
    public void Rate_NoUsageOnCarrierPlan_EmptyZeroInvoice()
    {
        Invoice invoice = RateCarrier();

        Assert.Empty(invoice.Lines);
        Assert.Equal("0.00", invoice.Total.ToString());
    }

    [Fact]
    public void Rate_SessionsOnCarrierPlan_IgnoredAsUnpriced()
    {
        Invoice invoice = RateCarrier(Sessions(1_000), Bytes(12_345 * BytesPerDc));

        Assert.Equal("offload.bytes", Assert.Single(invoice.Lines).Meter);
    }

    [Fact]
    public void Rate_5400SecondsH100_OneAndAHalfHoursThreeDollarsPlusMinimum()
    {
        Invoice invoice = RateCompute(Gpu("H100", 5_400));

        Assert.Equal(2, invoice.Lines.Count);
        AssertLine(invoice.Lines[0], "compute.gpu_seconds", "1.5", "2.00", "3.00");
        Assert.Equal("GPU-hour", invoice.Lines[0].Unit);
        Assert.Equal("GPU compute (H100)", invoice.Lines[0].Description);
        Assert.Equal("H100", invoice.Lines[0].Group["gpuModel"]);
        Assert.Single(invoice.Lines[0].Group);

        AssertLine(invoice.Lines[1], InvoiceLine.MinimumCommitmentMeter, "1", "97.00", "97.00");
        Assert.Equal("minimum commitment", invoice.Lines[1].Description);
        Assert.Equal(InvoiceLineKind.MinimumCommitment, invoice.Lines[1].Kind);
        Assert.Equal("100.00", invoice.Total.ToString());
    }

    [Fact]
    public void Rate_OneSecondRtx4090_RoundsToZeroCents()
    {
        // 1 s = 0.000277…h × 0.40 = 0.000111… USD → 0.00
        Invoice invoice = RateCompute(Gpu("RTX4090", 1));

        AssertLine(invoice.Lines[0], "compute.gpu_seconds", "0.000278", "0.40", "0.00");
        Assert.Equal("100.00", invoice.Total.ToString());
    }

    [Fact]
    public void Rate_FractionalHours_AmountFromExactSecondsNotDisplayedQuantity()
    {
        // 1 s at 1,000,000.00 per hour: exact 277.777… → 277.78; the displayed 0.000278 h would give 278.00.
        var plan = new PricePlan(
            "expensive",
            Currency.USD,
            [new MeterPricing("compute.gpu_seconds", "GPU", new UnitConversion(3_600, QuantityRounding.None, "GPU-hour"), PriceSchedule.PerUnit(1_000_000m))]);

        Invoice invoice = RatingEngine.Rate(plan, "t", October, [Gpu("H100", 1)]);

        AssertLine(invoice.Lines[0], "compute.gpu_seconds", "0.000278", "1000000", "277.78");
    }

    [Fact]
    public void Rate_NineSecondsH100_ExactHalfCentRoundsUp()
    {
        // 9 s = 0.0025 h × 2.00 = 0.005 exactly → 0.01
        Invoice invoice = RateCompute(Gpu("H100", 9));

        AssertLine(invoice.Lines[0], "compute.gpu_seconds", "0.0025", "2.00", "0.01");
    }

    [Fact]
    public void Rate_RepeatingFractionJustBelowHalfCent_RoundsDown()
    {
        // L40S 0.80/h: 22 s → 0.0048888… → 0.00; 23 s → 0.005111… → 0.01
        Assert.Equal("0.00", RateCompute(Gpu("L40S", 22)).Lines[0].Amount.ToString());
        Assert.Equal("0.01", RateCompute(Gpu("L40S", 23)).Lines[0].Amount.ToString());
    }

    [Fact]
    public void Rate_SeveralModels_OneLinePerModelInOrdinalOrder()
    {
        Invoice invoice = RateCompute(
            Gpu("RTX4090", 36_000),
            Gpu("H100", 36_000, "lease-1"),
            Gpu("H100", 36_000, "lease-2"),
            Gpu("A100", 3_600),
            Gpu("L40S", 7_200));

        Assert.Equal(["A100", "H100", "L40S", "RTX4090"], invoice.Lines.Take(4).Select(l => l.Group["gpuModel"]));
        AssertLine(invoice.Lines[0], "compute.gpu_seconds", "1", "1.20", "1.20");
        AssertLine(invoice.Lines[1], "compute.gpu_seconds", "20", "2.00", "40.00");
        AssertLine(invoice.Lines[2], "compute.gpu_seconds", "2", "0.80", "1.60");
        AssertLine(invoice.Lines[3], "compute.gpu_seconds", "10", "0.40", "4.00");
        // 46.80 of usage → 53.20 minimum commitment true-up
        AssertLine(invoice.Lines[4], InvoiceLine.MinimumCommitmentMeter, "1", "53.20", "53.20");
        Assert.Equal("100.00", invoice.Total.ToString());
    }

    [Fact]
    public void Rate_UsageAboveMinimum_NoMinimumLine()
    {
        Invoice invoice = RateCompute(Gpu("H100", 51 * 3_600)); // 102.00

        Assert.Single(invoice.Lines);
        Assert.Equal("102.00", invoice.Total.ToString());
    }

    [Fact]
    public void Rate_UsageExactlyMinimum_NoMinimumLine()
    {
        Invoice invoice = RateCompute(Gpu("H100", 50 * 3_600)); // 100.00

        Assert.Single(invoice.Lines);
        Assert.Equal("100.00", invoice.Total.ToString());
    }

    [Fact]
    public void Rate_ZeroUsageTenant_SingleMinimumLine()
    {
        Invoice invoice = RateCompute();

        InvoiceLine line = Assert.Single(invoice.Lines);
        AssertLine(line, InvoiceLine.MinimumCommitmentMeter, "1", "100.00", "100.00");
        Assert.Equal(10_000, invoice.Total.MinorUnits);
    }

    [Fact]
    public void Rate_UnknownGpuModel_ThrowsNamingModel()
    {
        UnpricedUsageException e = Assert.Throws<UnpricedUsageException>(() => RateCompute(Gpu("B200", 3_600)));

        Assert.Contains("B200", e.Message, StringComparison.Ordinal);
        Assert.Contains("gpuModel", e.Message, StringComparison.Ordinal);
        Assert.Contains("compute-standard-v1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rate_MissingPricingDimension_Throws()
    {
        var usage = new MeterUsage(BillableMeters.ComputeGpuSeconds, new Dictionary<string, string> { ["lease"] = "l" }, 10);

        UnpricedUsageException e = Assert.Throws<UnpricedUsageException>(() => RateCompute(usage));
        Assert.Contains("no 'gpuModel'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prices_PlanRateTable_AnswersPerDimensionValue()
    {
        Assert.True(Compute.Prices("compute.gpu_seconds", "H100"));
        Assert.False(Compute.Prices("compute.gpu_seconds", "B200"));
        Assert.False(Compute.Prices("compute.gpu_seconds", "h100"));
        Assert.False(Compute.Prices("offload.bytes", null));
        Assert.True(Carrier.Prices("offload.bytes", null));
        Assert.True(TestPlans.Catalog.IsPriced("compute-standard-v1", "compute.gpu_seconds", "RTX4090"));
        Assert.False(TestPlans.Catalog.IsPriced("no-such-plan", "compute.gpu_seconds", "RTX4090"));
    }

    [Fact]
    public void Rate_ExtraLines_AfterMinimumAndNotCountedTowardsIt()
    {
        InvoiceLine adjustment = Adjustments.Line(October.Previous, new Billing.Domain.Money(2_500, Currency.USD));
        Invoice invoice = RatingEngine.Rate(Compute, "tenant-acme", October, [Gpu("H100", 3_600)], [adjustment]);

        Assert.Equal(
            [InvoiceLineKind.Usage, InvoiceLineKind.MinimumCommitment, InvoiceLineKind.PriorPeriodAdjustment],
            invoice.Lines.Select(l => l.Kind));
        Assert.Equal("98.00", invoice.Lines[1].Amount.ToString());
        Assert.Equal("125.00", invoice.Total.ToString());
        Assert.Equal("100.00", invoice.PeriodCharges.ToString());
    }

    [Fact]
    public void Rate_Revision_IdHasSuffix()
    {
        Invoice invoice = RatingEngine.Rate(Carrier, "carrier-tmo", October, [Bytes(1)], revision: 2);

        Assert.Equal("INV-carrier-tmo-202610-r2", invoice.Id.ToString());
    }
}
