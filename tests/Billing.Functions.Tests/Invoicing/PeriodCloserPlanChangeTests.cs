namespace Billing.Functions.Tests.Invoicing;

/// <summary>A plan changed through partner management prices the next period only; the current period keeps the old plan.</summary>
public class PeriodCloserPlanChangeTests(AzuriteFixture azurite) : PeriodCloserTestBase(azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task CloseAsync_PlanChangedMidPeriod_CurrentPeriodOldPlanNextPeriodNewPlan()
    {
        var tables = await Azurite.NewTablesAsync();
        var store = new PartnerStore(tables);
        var facts = new FactStore(tables);
        var invoices = new InvoiceStore(tables);
        var clock = new FakeTimeProvider(November.Start.AddDays(10));
        var appPlans = Directory.EnumerateFiles(Path.Combine(PlatformFixture.AppDirectory(), "plans"), "*.json").Order(StringComparer.Ordinal)
            .Select(f => KeyValuePair.Create(Path.GetFileName(f), File.ReadAllText(f)));
        // A second carrier plan at twice the price, for this test only.
        string premium = File.ReadAllText(Path.Combine(PlatformFixture.AppDirectory(), "plans", "carrier-standard-v1.json"))
            .Replace("carrier-standard-v1", "carrier-premium-v1", StringComparison.Ordinal).Replace("\"0.00001\"", "\"0.00002\"", StringComparison.Ordinal);
        var meters = BillingFunctionsApp.LoadDefinitions(Path.Combine(PlatformFixture.AppDirectory(), "meters")).Meters;
        var plans = PlanCatalog.Load([.. appPlans, KeyValuePair.Create("carrier-premium-v1.json", premium)], meters.Dimensions);
        var options = Options.Create(new PartnerOptions());
        using var directory = new PartnerDirectory(store, options, clock, NullLogger<PartnerDirectory>.Instance);
        var management = new PartnerManagement(store, directory, plans, options, clock, NullLogger<PartnerManagement>.Instance);
        var closer = new PeriodCloser(facts, invoices, store, plans, InvoiceFinalization.None, clock, Options.Create(new InvoicingOptions()), NullLogger<PeriodCloser>.Instance);
        await management.CreateAsync(new Partner("finance", PartnerRole.Finance, null), new PartnerDraft("carrier-plan", "carrier", "carrier-standard-v1", "Carrier", "b@c.example", null), Ct);
        await AddAsync(facts, November.Start.AddDays(2), 100_000_000_000);       // 1,000,000 DC in November
        await AddAsync(facts, November.Next.Start.AddDays(2), 100_000_000_000);  // and in December

        var changed = await management.UpdateAsync(new Partner("finance", PartnerRole.Finance, null), "carrier-plan", new PartnerUpdate("carrier-premium-v1", null, null, null, null), Ct);
        Assert.Equal([new PlanChange(November.Next, "carrier-premium-v1")], changed.Partner.PlanChanges);

        clock.SetUtcNow(November.End.AddHours(2));
        var novemberInvoice = Assert.Single((await closer.CloseAsync(November, force: false, Ct)).Invoices);
        clock.SetUtcNow(November.Next.End.AddHours(2));
        var decemberInvoice = Assert.Single((await closer.CloseAsync(November.Next, force: false, Ct)).Invoices);

        Assert.Equal(("carrier-standard-v1", 1000L), (novemberInvoice.PlanId, novemberInvoice.Total.MinorUnits));   // 1,000,000 DC × 0.00001
        Assert.Equal(("carrier-premium-v1", 2000L), (decemberInvoice.PlanId, decemberInvoice.Total.MinorUnits));   // × 0.00002
    }

    private static int next;

    private static Task AddAsync(FactStore facts, DateTimeOffset time, long bytes) =>
        facts.AppendAsync([SampleFacts.Carrier($"p-{Interlocked.Increment(ref next)}", bytes, time, "carrier-plan")], Ct);
}
