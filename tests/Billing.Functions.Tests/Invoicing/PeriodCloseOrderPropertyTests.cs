using FsCheck;
using FsCheck.Fluent;

namespace Billing.Functions.Tests.Invoicing;

/// <summary>
/// Random interleavings of late events (inside the 35-day window), clock steps and closes of any ended month, on Azurite:
/// after a final round of closes, every closed month was billed exactly its rated amount across all invoices (its own
/// lines plus every adjustment naming it), and no invoice repeats a line.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class PeriodCloseOrderPropertyTests(AzuriteFixture azurite)
{
    private static readonly BillingPeriod First = new(2026, 6);
    private static readonly BillingPeriod[] Months = [First, First.Next, First.Next.Next, First.Next.Next.Next, First.Next.Next.Next.Next, First.Next.Next.Next.Next.Next];
    private static readonly string[] Payers = ["carrier-tmo", "tenant-lab"];

    [Fact]
    public void CloseAsync_AnyOrderOfLateEventsAndCloses_EachMonthBilledExactlyItsRatedAmountOnce()
    {
        // Each int is one step; removing steps shrinks a failing scenario.
        var steps = Arb.From(
            Gen.Choose(0, int.MaxValue).ArrayOf(),
            a => Enumerable.Range(0, a.Length).Select(i => a.Where((_, j) => j != i).ToArray()));
        var property = Prop.ForAll(steps, s => Task.Run(() => RunAsync(s)).GetAwaiter().GetResult());

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(12).WithStartSize(30).WithEndSize(60), property);
    }

    private async Task<bool> RunAsync(int[] steps)
    {
        var tables = await azurite.NewTablesAsync();
        var partners = new PartnerStore(tables);
        await partners.UpsertAsync(new PartnerRegistration(new Partner("carrier-tmo", PartnerRole.Carrier, "carrier-standard-v1"), "k-carrier-tmo-0001"), CancellationToken.None);
        await partners.UpsertAsync(new PartnerRegistration(new Partner("tenant-lab", PartnerRole.Tenant, "compute-standard-v1") { Providers = PeriodCloserSetup.Granted }, "k-tenant-lab-00001"), CancellationToken.None);
        var facts = new FactStore(tables);
        var invoices = new InvoiceStore(tables);
        var plans = BillingFunctionsApp.LoadPlans(Path.Combine(PlatformFixture.AppDirectory(), "plans"));
        var clock = new FakeTimeProvider(First.Start.AddDays(20));
        var options = Microsoft.Extensions.Options.Options.Create(new InvoicingOptions { MaxCloseAge = TimeSpan.FromDays(365) });
        var closer = new PeriodCloser(facts, invoices, partners, plans, InvoiceFinalization.None, clock, options, NullLogger<PeriodCloser>.Instance);
        var model = new List<UsageFact>();

        async Task CloseAsync(BillingPeriod month)
        {
            try
            {
                await closer.CloseAsync(month, force: false, CancellationToken.None);
            }
            catch (PeriodRefusedException)
            {
                // no usage before its end yet: nothing to bill, and nothing billed
            }
        }

        foreach (int step in steps)
        {
            int p = step / 10;
            switch (step % 10)
            {
                case < 4: // an event up to 35 days old
                    var time = clock.GetUtcNow().AddHours(-(p / 2 % (35 * 24)));
                    if (time < First.Start || time >= Months[3].Start)
                    {
                        break;
                    }

                    var fact = p % 2 == 0
                        ? new UsageFact
                        {
                            Source = "carrier-tmo", Id = $"e{model.Count}", Payer = "carrier-tmo", Type = EventTypes.CarrierOffloadV1, Time = time,
                            ContentHash = $"h{model.Count}", Hotspot = "hs", Rat = "wlan", Bytes = ((p / 1680 % 50) + 1) * 1_234_567_891L,
                        }
                        : new UsageFact
                        {
                            Source = "provider-nodeops", Id = $"e{model.Count}", Payer = "tenant-lab", Type = EventTypes.ComputeUsageV1, Time = time,
                            ContentHash = $"h{model.Count}", GpuModel = p / 1680 % 2 == 0 ? "H100" : "A100", Lease = "lease-1", Provider = "provider-nodeops",
                            GpuSeconds = ((p / 3360 % 40) + 1) * 3_701L,
                        };
                    await facts.AppendAsync([new PendingFact(fact, "{}")], CancellationToken.None);
                    model.Add(fact);
                    break;
                case < 7: // time passes, never beyond the last day an event for the last month with usage may arrive
                    var next = clock.GetUtcNow().AddDays((p % 20) + 5);
                    clock.SetUtcNow(next < Months[2].End.AddDays(35) ? next : Months[2].End.AddDays(35));
                    break;
                default: // close any month that has ended, in whatever order
                    var month = Months[p % 4];
                    if (month.HasEnded(clock.GetUtcNow()))
                    {
                        await CloseAsync(month);
                    }

                    break;
            }
        }

        // A final round closes every month, in an order the steps choose too, once no event can arrive any more.
        clock.SetUtcNow(Months[^1].End.AddDays(1));
        var order = Months.ToArray();
        new Random(steps.Aggregate(17, (h, x) => unchecked((h * 31) + x))).Shuffle(order);
        foreach (var month in order)
        {
            await CloseAsync(month);
        }

        foreach (string payer in Payers)
        {
            var plan = plans.Get(payer == "carrier-tmo" ? "carrier-standard-v1" : "compute-standard-v1");
            var all = (await invoices.ListAsync(null, payer, CancellationToken.None)).Items;
            foreach (var invoice in all)
            {
                Assert.All(invoice.Lines, l => Assert.True(l.AdjustedPeriod is null || l.AdjustedPeriod < invoice.Period, $"{invoice.Id} adjusts {l.AdjustedPeriod}"));
                var keys = invoice.Lines.Select(l => $"{l.Meter}|{l.Description}|{InvoiceJson.GroupJson(l.Group)}").ToList();
                Assert.True(keys.Count == keys.Distinct(StringComparer.Ordinal).Count(), $"{invoice.Id} repeats a line: {string.Join("; ", keys)}");
            }

            foreach (var month in Months)
            {
                long billed = all.Where(i => i.Period == month).Sum(i => i.PeriodCharges.MinorUnits)
                    + all.SelectMany(i => i.Lines).Where(l => l.AdjustedPeriod == month).Sum(l => l.Amount.MinorUnits);
                var usage = new UsageAccumulator(plan);
                foreach (var f in model.Where(f => f.Payer == payer && month.Contains(f.Time)))
                {
                    usage.Add(f);
                }

                long expected = await invoices.GetCloseAsync(month, CancellationToken.None) is null ? 0 : RatingEngine.Rate(plan, payer, month, usage).Total.MinorUnits;
                Assert.True(expected == billed, $"{payer} {month}: rated {expected}, billed {billed} on {string.Join(", ", all.Select(i => i.ToString()))}; steps [{string.Join(",", steps)}]");
            }
        }

        return true;
    }
}
