using static Billing.Domain.Tests.Pricing.TestPlans;

namespace Billing.Domain.Tests.Invoicing;

public class AdjustmentsTests
{
    private static readonly BillingPeriod October = new(2026, 10);
    private static readonly BillingPeriod November = October.Next;

    [Fact]
    public void For_LateUsageIncreasesTotal_PositiveLineOnNextInvoice()
    {
        MeterUsage[] onTime = [Gpu("H100", 5_400)];                  // 3.00 → minimum → 100.00
        MeterUsage[] late = [Gpu("H100", 60 * 3_600)];               // +120.00 of usage
        Invoice invoiced = RatingEngine.Rate(Compute, "tenant-acme", October, onTime).Finalize();
        Invoice recomputed = RatingEngine.Rate(Compute, "tenant-acme", October, [.. onTime, .. late]);

        InvoiceLine? line = Adjustments.For(invoiced, recomputed);

        Assert.NotNull(line);
        Assert.Equal("Adjustment for 2026-10", line.Description);
        Assert.Equal(InvoiceLine.PriorPeriodAdjustmentMeter, line.Meter);
        Assert.Equal("23.00", line.Amount.ToString()); // 123.00 − 100.00 (the minimum no longer applies)
        Assert.Equal(October, line.AdjustedPeriod);

        Invoice next = RatingEngine.Rate(Compute, "tenant-acme", November, [Gpu("A100", 3_600 * 100)], [line]);
        Assert.Equal("120.00", next.PeriodCharges.ToString());
        Assert.Equal("143.00", next.Total.ToString());
        Assert.Same(line, next.Lines[^1]);
    }

    [Fact]
    public void For_RecomputedLower_NegativeLine()
    {
        Invoice invoiced = RatingEngine.Rate(Carrier, "carrier-tmo", October, [Bytes(1_234_500_000)]).Finalize(); // 0.12
        Invoice recomputed = RatingEngine.Rate(Carrier, "carrier-tmo", October, [Bytes(1_000_000_000)]);           // 0.10

        InvoiceLine? line = Adjustments.For(invoiced, recomputed);

        Assert.Equal("-0.02", line!.Amount.ToString());
        Assert.Equal(-0.02m, line.UnitPrice);
    }

    [Fact]
    public void For_NoChange_Null()
    {
        Invoice invoiced = RatingEngine.Rate(Carrier, "carrier-tmo", October, [Bytes(1_234_500_000)]).Finalize();
        // Late facts that do not change the rounded DC count (still 12,345 DC) → no adjustment.
        Invoice recomputed = RatingEngine.Rate(Carrier, "carrier-tmo", October, [Bytes(1_234_500_000), Bytes(0)]);

        Assert.Null(Adjustments.For(invoiced, recomputed));
    }

    [Fact]
    public void For_InvoicedCarriedOwnAdjustment_ComparesOnlyPeriodCharges()
    {
        InvoiceLine september = Adjustments.Line(October.Previous, new Money(500, Currency.USD));
        Invoice invoiced = RatingEngine.Rate(Carrier, "carrier-tmo", October, [Bytes(1_234_500_000)], [september]).Finalize();
        Invoice recomputed = RatingEngine.Rate(Carrier, "carrier-tmo", October, [Bytes(1_234_500_000)]);

        Assert.Null(Adjustments.For(invoiced, recomputed));
    }

    [Fact]
    public void For_AlreadyPartlyAdjustedOnLaterInvoice_OnlyTheRemainder()
    {
        Invoice invoiced = RatingEngine.Rate(Carrier, "carrier-tmo", October, [Bytes(1_000_000_000)]).Finalize(); // 0.10
        InvoiceLine first = Adjustments.For(invoiced, RatingEngine.Rate(Carrier, "carrier-tmo", October, [Bytes(2_000_000_000)]))!; // +0.10
        Invoice novemberInvoice = RatingEngine.Rate(Carrier, "carrier-tmo", November, [], [first]).Finalize();
        Invoice recomputedAgain = RatingEngine.Rate(Carrier, "carrier-tmo", October, [Bytes(2_500_000_000)]); // 0.25

        InvoiceLine? second = Adjustments.For(invoiced, recomputedAgain, [novemberInvoice]);

        Assert.Equal("0.10", first.Amount.ToString());
        Assert.Equal("0.05", second!.Amount.ToString());
    }

    [Fact]
    public void For_DraftInvoiced_Throws()
    {
        Invoice draft = RatingEngine.Rate(Carrier, "carrier-tmo", October, [Bytes(1)]);

        Assert.Throws<ArgumentException>(() => Adjustments.For(draft, draft));
    }

    [Fact]
    public void For_DifferentPeriod_Throws()
    {
        Invoice invoiced = RatingEngine.Rate(Carrier, "carrier-tmo", October, [Bytes(1)]).Finalize();
        Invoice other = RatingEngine.Rate(Carrier, "carrier-tmo", November, [Bytes(1)]);

        Assert.Throws<ArgumentException>(() => Adjustments.For(invoiced, other));
    }

    [Fact]
    public void IsWithinLateWindow_35Days_Inclusive()
    {
        DateTimeOffset now = November.Start.AddDays(4);
        Assert.True(Adjustments.IsWithinLateWindow(now.AddDays(-35), now));
        Assert.False(Adjustments.IsWithinLateWindow(now.AddDays(-35).AddTicks(-1), now));
    }

    [Fact]
    public void IsPastRoutineWindow_FromADayBeforeTheMonthAfterNextEnds_True()
    {
        // October's last routine close is December's, which cannot start before 2027-01-01; a day's allowance for clocks.
        var edge = new DateTimeOffset(2026, 12, 31, 0, 0, 0, TimeSpan.Zero);

        Assert.False(Adjustments.IsPastRoutineWindow(October, edge.AddTicks(-1)));
        Assert.True(Adjustments.IsPastRoutineWindow(October, edge));
        Assert.False(Adjustments.IsPastRoutineWindow(October, October.End.AddDays(35))); // the latest a fresh event is metered on time
    }

    [Fact]
    public void RoutineWindowStart_InstantsAroundEveryMonthsEdge_AgreeWithTheRuleForOneMonth()
    {
        // The batch bound and the rule for one month (its routine closes' start, less a day) must name the same months late.
        for (var month = new BillingPeriod(2026, 1); month < new BillingPeriod(2028, 1); month = month.Next)
        {
            var edge = month.End.AddMonths(Adjustments.RoutineLookback) - Adjustments.ClockAllowance;
            foreach (var meteredAt in new[] { edge.AddTicks(-1), edge, edge.AddTicks(1), edge.AddDays(-40), edge.AddDays(40) })
            {
                Assert.Equal(meteredAt >= edge, month.Start < Adjustments.RoutineWindowStart(meteredAt));
            }
        }
    }
}
