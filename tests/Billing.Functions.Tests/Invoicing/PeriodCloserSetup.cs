using Billing.Application.Metering;
using Microsoft.Extensions.Logging;

namespace Billing.Functions.Tests.Invoicing;

/// <summary>A period closer on Azurite with a fixed clock and five partners (two carriers, two tenants, a provider), and ways to add their facts.</summary>
internal sealed record PeriodCloserSetup(FactStore Facts, InvoiceStore Invoices, PeriodCloser Closer, FakeTimeProvider Clock, PartnerStore Partners, Billing.Domain.Pricing.PlanCatalog Plans, BillingTables Tables)
{
    private int next;

    public Task AddCarrierAsync(DateTimeOffset time, long bytes, string payer = "carrier-tmo") =>
        Facts.AppendAsync([SampleFacts.Carrier($"s-{Interlocked.Increment(ref next)}", bytes, time, payer)], CancellationToken.None);

    public Task AddComputeAsync(DateTimeOffset time, string model, long gpuSeconds, string tenant = "tenant-lab") =>
        Facts.AppendAsync([SampleFacts.Compute($"c-{Interlocked.Increment(ref next)}", tenant, gpuSeconds, time: time, model: model)], CancellationToken.None);

    /// <summary>A partner directory over these tables: one host's cache of the registry (two of them are two instances).</summary>
    public PartnerDirectory Directory(ILogger<PartnerDirectory>? logger = null) =>
        new(Partners, Microsoft.Extensions.Options.Options.Create(new PartnerOptions()), Clock, logger ?? NullLogger<PartnerDirectory>.Instance);

    /// <summary>
    /// Metering as one host runs it over these tables: with <paramref name="directory"/> (a directory of its own when
    /// none), setting aside into <paramref name="quarantine"/> (the tables' when none) and writing facts through
    /// <paramref name="facts"/> (<see cref="Facts"/> when none: another client's, a faulty one, say), its lag logged to
    /// <paramref name="lagLog"/> (nowhere when none).
    /// </summary>
    public MeteringService Metering(PartnerDirectory? directory = null, QuarantineStore? quarantine = null, FactStore? facts = null, ILogger<MeteringLag>? lagLog = null)
    {
        directory ??= Directory();
        var lag = new MeteringLag(Clock, Options.Create(new MeteringOptions()), lagLog ?? NullLogger<MeteringLag>.Instance);
        return new MeteringService(new UsageEventValidator(directory, Plans), facts ?? Facts, quarantine ?? new QuarantineStore(Tables), directory, Clock, lag, NullLogger<MeteringService>.Instance);
    }

    /// <summary>The replay of quarantined events over <paramref name="metering"/>.</summary>
    public QuarantineReplayer Replayer(MeteringService metering) => new(metering, new QuarantineStore(Tables), Clock, NullLogger<QuarantineReplayer>.Instance);

    /// <summary>What <paramref name="payer"/> was billed for <paramref name="month"/> to date: its own invoice's charges and every adjustment naming it.</summary>
    public async Task<long> BilledForAsync(string payer, BillingPeriod month) =>
        (await Invoices.ListAsync(null, payer, CancellationToken.None)).Items
            .Sum(i => (i.Period == month ? i.PeriodCharges.MinorUnits : 0) + i.Lines.Where(l => l.AdjustedPeriod == month).Sum(l => l.Amount.MinorUnits));

    /// <summary>
    /// Closes <paramref name="period"/> expecting <paramref name="failedPayer"/> alone to fail and the others to be
    /// invoiced, then closes again: that payer still fails and nobody else is billed anew. Returns its failure reason.
    /// </summary>
    public async Task<string> CloseWithOneFailedPayerAsync(BillingPeriod period, string failedPayer, params string[] invoiced)
    {
        var result = await Closer.CloseAsync(period, force: false, CancellationToken.None);
        foreach (string payer in invoiced)
        {
            Assert.Contains(result.Invoices, i => i.Payer == payer);
        }

        Assert.DoesNotContain(result.Invoices, i => i.Payer == failedPayer);
        string reason = Assert.Single(result.Failed, f => f.Key == failedPayer).Value;
        Assert.Equal([failedPayer], (await Invoices.GetCloseAsync(period, CancellationToken.None))!.Value.Record.FailedPayers.Keys);
        var again = await Closer.CloseAsync(period, force: false, CancellationToken.None);
        Assert.Equal([failedPayer], again.Failed.Keys);
        Assert.Equal(result.Invoices.Select(i => i.Id), again.Invoices.Select(i => i.Id));
        return reason;
    }

    /// <summary>The providers the tenants grant: the setup's, and the one a test registers as another provider.</summary>
    public static readonly IReadOnlyList<string> Granted = ["provider-nodeops", "provider-other"];

    /// <param name="azurite">Where the tables live.</param>
    /// <param name="now">The fixed clock's time.</param>
    /// <param name="finalization">What runs after an invoice is stored (e.g. a Stripe sync); none by default.</param>
    public static async Task<PeriodCloserSetup> NewAsync(AzuriteFixture azurite, DateTimeOffset now, Func<InvoiceStore, PartnerStore, TimeProvider, InvoiceFinalization>? finalization = null)
    {
        var tables = await azurite.NewTablesAsync();
        var partners = new PartnerStore(tables);
        foreach (var (p, key) in new[]
        {
            (new Partner("carrier-tmo", PartnerRole.Carrier, "carrier-standard-v1"), "k-carrier-tmo-0001"),
            (new Partner("carrier-idle", PartnerRole.Carrier, "carrier-standard-v1"), "k-carrier-idle-001"),
            (new Partner("tenant-lab", PartnerRole.Tenant, "compute-standard-v1") { Providers = Granted }, "k-tenant-lab-00001"),
            (new Partner("tenant-idle", PartnerRole.Tenant, "compute-standard-v1") { Providers = Granted }, "k-tenant-idle-0001"),
            (new Partner("provider-nodeops", PartnerRole.Provider, null), "k-provider-0000001"),
        })
        {
            await partners.UpsertAsync(new PartnerRegistration(p, key), CancellationToken.None);
        }

        var facts = new FactStore(tables);
        var invoices = new InvoiceStore(tables);
        var clock = new FakeTimeProvider(now);
        var plans = BillingFunctionsApp.LoadPlans(Path.Combine(PlatformFixture.AppDirectory(), "plans"));
        var closer = new PeriodCloser(facts, invoices, partners, plans, finalization?.Invoke(invoices, partners, clock) ?? InvoiceFinalization.None, clock, Microsoft.Extensions.Options.Options.Create(new InvoicingOptions()), NullLogger<PeriodCloser>.Instance);
        return new PeriodCloserSetup(facts, invoices, closer, clock, partners, plans, tables);
    }
}
