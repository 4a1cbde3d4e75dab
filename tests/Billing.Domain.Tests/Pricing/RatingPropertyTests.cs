using static Billing.Domain.Tests.Pricing.TestPlans;

namespace Billing.Domain.Tests.Pricing;

/// <summary>Invariants of rating over generated usage.</summary>
public class RatingPropertyTests
{
    private static readonly BillingPeriod October = new(2026, 10);
    private static readonly string[] Models = ["H100", "A100", "L40S", "RTX4090"];

    // Generated ints are small (≤ size); scale every other one so totals regularly cross the
    // 1,000,000,000 DC tier boundary (10^14 bytes), and keep odd factors so the DC ceiling matters.
    private static List<MeterUsage> CarrierFacts(NonNegativeInt[] quantities) =>
        [.. quantities.Select((q, i) => Bytes(q.Get * (i % 2 == 0 ? 3_333_333_333_337L : 7L), $"hs{i % 7}"))];

    // Up to ~120 GPU-hours per fact, so invoices land both below and above the 100.00 minimum.
    private static List<MeterUsage> ComputeFacts(NonNegativeInt[] quantities) =>
        [.. quantities.Select((q, i) => Gpu(Models[(q.Get + i) % Models.Length], q.Get * 4_321L, $"lease-{i}"))];

    private static string Json(PricePlan plan, IEnumerable<MeterUsage> facts) =>
        InvoiceJson.Serialize(RatingEngine.Rate(plan, "payer-1", October, facts));

    /// <summary>Splits every fact into 1..6 facts (some possibly zero) with the same total.</summary>
    private static List<MeterUsage> Split(IEnumerable<MeterUsage> facts, int seed)
    {
        var random = new Random(seed);
        var result = new List<MeterUsage>();
        foreach (MeterUsage fact in facts)
        {
            int parts = random.Next(1, 7);
            long remaining = fact.Quantity;
            for (int p = 1; p < parts; p++)
            {
                long piece = remaining == 0 ? 0 : random.NextInt64(0, remaining + 1);
                result.Add(fact with { Quantity = piece });
                remaining -= piece;
            }

            result.Add(fact with { Quantity = remaining });
        }

        return result;
    }

    private static List<MeterUsage> Shuffle(IEnumerable<MeterUsage> facts, int seed)
    {
        MeterUsage[] array = [.. facts];
        new Random(seed).Shuffle(array);
        return [.. array];
    }

    [Property(MaxTest = 200)]
    public bool Rate_AnyUsage_TotalEqualsSumOfLines(NonNegativeInt[] carrier, NonNegativeInt[] compute)
    {
        Invoice a = RatingEngine.Rate(Carrier, "c", October, CarrierFacts(carrier));
        Invoice b = RatingEngine.Rate(Compute, "t", October, ComputeFacts(compute));
        return a.Total.MinorUnits == a.Lines.Sum(l => l.Amount.MinorUnits)
            && b.Total.MinorUnits == b.Lines.Sum(l => l.Amount.MinorUnits)
            && b.Total.MinorUnits >= 10_000
            && a.Lines.All(l => l.Quantity > 0)
            && a.Lines.Sum(l => l.Quantity) == Math.Ceiling(CarrierFacts(carrier).Sum(f => (decimal)f.Quantity) / 100_000m);
    }

    [Property(MaxTest = 200)]
    public bool Rate_UsageSplitIntoAnyNumberOfEvents_SameInvoice(NonNegativeInt[] carrier, NonNegativeInt[] compute, int seed) =>
        SameInvoicesAfter(carrier, compute, facts => Split(facts, seed));

    [Property(MaxTest = 200)]
    public bool Rate_FactsInAnyOrder_SameInvoice(NonNegativeInt[] carrier, NonNegativeInt[] compute, int seed) =>
        SameInvoicesAfter(carrier, compute, facts => Shuffle(facts, seed));

    /// <summary>Both plans' invoices are the same, to the byte, for the facts as generated and as <paramref name="rearrange"/> gives them.</summary>
    private static bool SameInvoicesAfter(NonNegativeInt[] carrier, NonNegativeInt[] compute, Func<List<MeterUsage>, IEnumerable<MeterUsage>> rearrange)
    {
        List<MeterUsage> c = CarrierFacts(carrier);
        List<MeterUsage> g = ComputeFacts(compute);
        return Json(Carrier, c) == Json(Carrier, rearrange(c))
            && Json(Compute, g) == Json(Compute, rearrange(g));
    }

    [Property(MaxTest = 200)]
    public bool Rate_MergedPartitions_SameAsSingleAggregation(NonNegativeInt[] compute, PositiveInt partitions)
    {
        List<MeterUsage> facts = ComputeFacts(compute);
        int n = (partitions.Get % 5) + 1;
        var merged = new UsageAccumulator(Compute);
        for (int p = 0; p < n; p++)
        {
            var part = new UsageAccumulator(Compute);
            part.AddRange(facts.Where((_, i) => i % n == p));
            merged.Merge(part);
        }

        return InvoiceJson.Serialize(RatingEngine.Rate(Compute, "payer-1", October, merged)) == Json(Compute, facts);
    }
}
