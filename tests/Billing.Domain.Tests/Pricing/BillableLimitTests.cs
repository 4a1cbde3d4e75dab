namespace Billing.Domain.Tests.Pricing;

/// <summary>
/// <see cref="BillableLimit"/>: usage up to a plan's month limits always rates, within <see cref="BillableLimit.MonthMinorUnits"/>,
/// whatever the prices, tiers, divisors, rounding and groups.
/// </summary>
public class BillableLimitTests
{
    private static readonly BillingPeriod October = new(2026, 10);

    private static PricePlan Plan(string json) => PlanLoader.Parse(json, "p.json", new Dictionary<string, IReadOnlyList<string>>
    {
        ["m.a"] = ["k"],
        ["m.b"] = ["k"],
        ["m.c"] = ["k"],
    });

    [Fact]
    public void MonthQuantity_OneDollarAUnit_IsWhat2To53MinorUnitsBuy()
    {
        var plan = Plan("""{"id":"p","currency":"USD","meters":[{"meter":"m.a","description":"A","unit":"u","price":{"model":"perUnit","unitPrice":"1.00"}}]}""");

        Assert.Equal(90_071_992_547_408, plan.MonthLimits["m.a"]);
        Assert.Equal(9_007_199_254_740_991, BillableLimit.MonthMinorUnits);
    }

    [Fact]
    public void MonthQuantity_FreeMeterOrPriceBeyondAnyInvoice_QuantityCeilingOrNothing()
    {
        var plan = Plan("""
            {"id":"p","currency":"JPY","meters":[
              {"meter":"m.a","description":"A","unit":"u","price":{"model":"perUnit","unitPrice":"0"}},
              {"meter":"m.b","description":"B","unit":"u","price":{"model":"perUnit","unitPrice":"99999999999999999999"}}]}
            """);

        Assert.Equal(BillableLimit.MaxQuantity, plan.MonthLimits["m.a"]);
        Assert.Equal(Int128.Zero, plan.MonthLimits["m.b"]);
    }

    [Fact]
    public void Rate_EveryMeterAtItsLimitSpreadOverItsGroups_PricesWithinTheMonthLimit()
    {
        var random = new Random(17);
        for (int n = 0; n < 300; n++)
        {
            var plan = RandomPlan(random);
            var usage = new UsageAccumulator(plan);
            foreach (var pricing in plan.Meters)
            {
                // The whole limit, split unevenly over the priced groups (a group's share may be 0).
                Int128 left = plan.MonthLimits[pricing.Meter];
                var groups = pricing.Rates.Keys.DefaultIfEmpty(null).ToList();
                for (int g = 0; g < groups.Count; g++)
                {
                    Int128 share = g == groups.Count - 1 ? left : left * random.Next(0, 101) / 100;
                    usage.AddSum(pricing.Meter, groups[g], share);
                    left -= share;
                }
            }

            var invoice = RatingEngine.Rate(plan, "payer", October, usage);

            Assert.InRange(invoice.Total.MinorUnits, 0, BillableLimit.MonthMinorUnits);
        }
    }

    private static PricePlan RandomPlan(Random random)
    {
        string[] currencies = ["USD", "JPY"];
        string[] roundings = ["none", "ceil", "floor"];
        string Price() => random.Next(4) switch
        {
            0 => "0",
            1 => $"0.{random.NextInt64(1, 1_000_000_000_000):D12}",
            2 => random.Next(1, 1_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => $"{random.NextInt64(1, 1_000_000_000_000)}.{random.Next(0, 100):D2}",
        };

        string Schedule()
        {
            int tiers = random.Next(1, 4);
            if (tiers == 1)
            {
                return $"{{\"model\":\"perUnit\",\"unitPrice\":\"{Price()}\"}}";
            }

            long step = random.NextInt64(1, 1_000_000_000_000);
            var list = Enumerable.Range(0, tiers).Select(i => i == tiers - 1
                ? $"{{\"unitPrice\":\"{Price()}\"}}"
                : $"{{\"upTo\":\"{(i + 1) * step}.5\",\"unitPrice\":\"{Price()}\"}}");
            return $"{{\"model\":\"{(random.Next(2) == 0 ? "graduated" : "volume")}\",\"tiers\":[{string.Join(',', list)}]}}";
        }

        var meters = new[] { "m.a", "m.b", "m.c" }.Take(random.Next(1, 4)).Select(m =>
        {
            string head = $"\"meter\":\"{m}\",\"description\":\"{m}\",\"unit\":\"u\",\"divisor\":\"{random.NextInt64(1, 1_000_000_000)}\",\"rounding\":\"{roundings[random.Next(3)]}\"";
            if (random.Next(2) == 0)
            {
                return $"{{{head},\"price\":{Schedule()}}}";
            }

            var rates = Enumerable.Range(0, random.Next(1, 5)).Select(i => $"\"v{i}\":{Schedule()}");
            return $"{{{head},\"dimension\":\"k\",\"rates\":{{{string.Join(',', rates)}}}}}";
        });
        return Plan($"{{\"id\":\"p\",\"currency\":\"{currencies[random.Next(2)]}\",\"meters\":[{string.Join(',', meters)}]}}");
    }
}
