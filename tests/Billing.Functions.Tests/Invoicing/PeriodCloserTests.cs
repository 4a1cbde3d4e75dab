using Billing.Domain;
using Billing.Domain.Events;
using Billing.Domain.Invoicing;
using Billing.Domain.Metering;
using Billing.Domain.Partners;
using Billing.Functions.Invoicing;
using Billing.Storage;
using Billing.Tests.Shared;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Billing.Functions.Tests.Invoicing;

/// <summary>Period close on Azurite with a fixed clock: exact cents, idempotency, late facts.</summary>
[Collection(AzuriteCollection.Name)]
public class PeriodCloserTests(AzuriteFixture azurite)
{
    private static readonly BillingPeriod September = new(2026, 9);
    private static readonly BillingPeriod October = new(2026, 10);

    private sealed class Setup
    {
        public required FactStore Facts { get; init; }
        public required InvoiceStore Invoices { get; init; }
        public required PeriodCloser Closer { get; init; }
        public required FakeTimeProvider Clock { get; init; }
        private int next;

        public Task AddCarrierAsync(DateTimeOffset time, long bytes, string payer = "carrier-tmo") => Facts.AppendAsync([new PendingFact(new UsageFact
        {
            Source = payer, Id = $"s-{Interlocked.Increment(ref next)}", Payer = payer, Type = EventTypes.CarrierOffloadV1, Time = time,
            ContentHash = $"h{next}", Hotspot = "hs", Rat = "wlan", Bytes = bytes,
        }, "{}")], CancellationToken.None);

        public Task AddComputeAsync(DateTimeOffset time, string model, long gpuSeconds, string tenant = "tenant-lab") => Facts.AppendAsync([new PendingFact(new UsageFact
        {
            Source = "provider-nodeops", Id = $"c-{Interlocked.Increment(ref next)}", Payer = tenant, Type = EventTypes.ComputeUsageV1, Time = time,
            ContentHash = $"h{next}", GpuModel = model, Lease = "lease-1", Provider = "provider-nodeops", GpuSeconds = gpuSeconds,
        }, "{}")], CancellationToken.None);
    }

    private async Task<Setup> NewAsync(DateTimeOffset now)
    {
        var tables = await azurite.NewTablesAsync();
        var partners = new PartnerStore(tables);
        foreach (var (p, key) in new[]
        {
            (new Partner("carrier-tmo", PartnerRole.Carrier, "carrier-standard-v1"), "k-carrier-tmo-0001"),
            (new Partner("carrier-idle", PartnerRole.Carrier, "carrier-standard-v1"), "k-carrier-idle-001"),
            (new Partner("tenant-lab", PartnerRole.Tenant, "compute-standard-v1"), "k-tenant-lab-00001"),
            (new Partner("tenant-idle", PartnerRole.Tenant, "compute-standard-v1"), "k-tenant-idle-0001"),
            (new Partner("provider-nodeops", PartnerRole.Provider, null), "k-provider-0000001"),
        })
        {
            await partners.UpsertAsync(new PartnerRegistration(p, key), CancellationToken.None);
        }

        var facts = new FactStore(tables);
        var invoices = new InvoiceStore(tables);
        var clock = new FakeTimeProvider(now);
        var plans = BillingFunctionsApp.LoadPlans(Path.Combine(PlatformFixture.AppDirectory(), "plans"));
        var closer = new PeriodCloser(facts, invoices, partners, plans, [], clock, Microsoft.Extensions.Options.Options.Create(new InvoicingOptions()), NullLogger<PeriodCloser>.Instance);
        return new Setup { Facts = facts, Invoices = invoices, Closer = closer, Clock = clock };
    }

    [Fact]
    public async Task ClosePeriodsTimer_BeforeGraceThenAfter_WaitsThenClosesThePreviousMonth()
    {
        var setup = await NewAsync(October.End.AddHours(23));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 100_000);
        var timer = new Billing.Functions.ClosePeriods.ClosePeriodsFunction(setup.Closer, setup.Invoices, Microsoft.Extensions.Options.Options.Create(new InvoicingOptions()), setup.Clock,
            NullLogger<Billing.Functions.ClosePeriods.ClosePeriodsFunction>.Instance);
        using var invocation = Billing.Functions.HostProtocol.InvocationRequest.Parse("{\"Data\":{\"timer\":\"{}\"},\"Metadata\":{}}"u8.ToArray());

        var early = await timer.InvokeAsync(invocation, CancellationToken.None);
        Assert.False(early.ReturnValue!["closed"]!.GetValue<bool>());
        Assert.Null(await setup.Invoices.GetAsync(new InvoiceId("carrier-tmo", October), CancellationToken.None));

        setup.Clock.SetUtcNow(October.End.AddHours(25));
        var late = await timer.InvokeAsync(invocation, CancellationToken.None);

        Assert.True(late.ReturnValue!["closed"]!.GetValue<bool>());
        Assert.Equal("2026-10", late.ReturnValue["period"]!.GetValue<string>());
        Assert.NotNull(await setup.Invoices.GetAsync(new InvoiceId("carrier-tmo", October), CancellationToken.None));
    }

    [Fact]
    public async Task CloseAsync_PeriodNotEnded_ThrowsPeriodNotEnded()
    {
        var setup = await NewAsync(October.End.AddTicks(-1));

        await Assert.ThrowsAsync<PeriodNotEndedException>(() => setup.Closer.CloseAsync(October, force: false, CancellationToken.None));
    }

    [Fact]
    public async Task CloseAsync_UsageAndMinimums_InvoicesExactCentsForEveryPayerThatOwes()
    {
        var setup = await NewAsync(October.End.AddHours(1));
        await setup.AddCarrierAsync(October.Start, 150_000_000_000);            // 1,500,000 DC
        await setup.AddCarrierAsync(October.End.AddTicks(-1), 1);               // +1 byte → 1,500,001 DC (ceiling on the total)
        await setup.AddCarrierAsync(October.End, 999_999_999);                  // November: not in this invoice
        await setup.AddComputeAsync(October.Start.AddDays(3), "H100", 5_400);   // 1.5 GPU-hours → 3.00
        await setup.AddComputeAsync(October.Start.AddDays(4), "RTX4090", 1);    // 0.000111 → 0.00

        var invoices = (await setup.Closer.CloseAsync(October, force: false, CancellationToken.None)).Invoices;

        Assert.Equal(["INV-carrier-tmo-202610", "INV-tenant-idle-202610", "INV-tenant-lab-202610"], invoices.Select(i => i.Id.ToString()));
        var carrier = invoices[0];
        Assert.Equal(InvoiceStatus.Finalized, carrier.Status);
        Assert.Equal(1_500_001m, Assert.Single(carrier.Lines).Quantity);
        Assert.Equal(1500, carrier.Total.MinorUnits);                          // 1,500,001 × 0.00001 = 15.00001 → 15.00
        var lab = invoices[2];
        Assert.Equal(10_000, lab.Total.MinorUnits);                             // 3.00 + 0.00 + minimum true-up 97.00
        Assert.Contains(lab.Lines, l => l.Description == "minimum commitment" && l.Amount.MinorUnits == 9_700);
        Assert.Equal(10_000, Assert.Single(invoices[1].Lines).Amount.MinorUnits); // zero usage, minimum only
    }

    [Fact]
    public async Task CloseAsync_RedeliveredAndResentEvents_InvoiceEqualsTheSingleDelivery()
    {
        var once = await NewAsync(October.End.AddDays(1));
        var thrice = await NewAsync(October.End.AddDays(1));
        var facts = Enumerable.Range(0, 40).Select(i => new PendingFact(new UsageFact
        {
            Source = "carrier-tmo", Id = $"dup-{i}", Payer = "carrier-tmo", Type = EventTypes.CarrierOffloadV1, Time = October.Start.AddHours(i),
            ContentHash = $"h{i}", Hotspot = "hs", Rat = "wlan", Bytes = 12_345_678 + i,
        }, "{}")).ToArray();

        await once.Facts.AppendAsync(facts, CancellationToken.None);
        for (int delivery = 0; delivery < 3; delivery++)
        {
            await thrice.Facts.AppendAsync([.. facts, .. facts.Take(10)], CancellationToken.None); // redelivered batches with repeats inside
        }

        var a = Assert.Single((await once.Closer.CloseAsync(October, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");
        var b = Assert.Single((await thrice.Closer.CloseAsync(October, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");
        Assert.Equal(InvoiceJson.Serialize(a), InvoiceJson.Serialize(b));
        Assert.Equal(4_939m, Assert.Single(a.Lines).Quantity); // ceil(sum / 100,000) over the distinct events only
    }

    [Fact]
    public async Task CloseAsync_Twice_ReturnsTheSameInvoices()
    {
        var setup = await NewAsync(October.End.AddDays(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 123_456_789);

        var first = (await setup.Closer.CloseAsync(October, force: false, CancellationToken.None)).Invoices;
        await setup.AddCarrierAsync(October.Start.AddDays(2), 1_000_000); // late fact after finalization: not in this invoice
        var second = (await setup.Closer.CloseAsync(October, force: false, CancellationToken.None)).Invoices;

        Assert.Equal(first.Select(i => InvoiceJson.Serialize(i)), second.Select(i => InvoiceJson.Serialize(i)));
    }

    [Fact]
    public async Task CloseAsync_LateFactsForClosedPeriod_BecomeAdjustmentOnNextInvoice()
    {
        var setup = await NewAsync(September.End.AddDays(1));
        await setup.AddCarrierAsync(September.Start.AddDays(5), 10_000_000_000);   // 100,000 DC → 1.00
        var september = Assert.Single((await setup.Closer.CloseAsync(September, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");
        Assert.Equal(100, september.Total.MinorUnits);

        await setup.AddCarrierAsync(September.End.AddHours(-1), 25_000_000_000);   // late: +250,000 DC → +2.50
        await setup.AddCarrierAsync(October.Start.AddDays(2), 5_000_000_000);      // October: 50,000 DC → 0.50
        setup.Clock.SetUtcNow(October.End.AddDays(1));
        var october = Assert.Single((await setup.Closer.CloseAsync(October, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");

        var adjustment = Assert.Single(october.Lines, l => l.Description.Contains("2026-09", StringComparison.Ordinal));
        Assert.Equal(250, adjustment.Amount.MinorUnits);
        Assert.Equal(300, october.Total.MinorUnits);
        Assert.Equal(100, (await setup.Invoices.GetAsync(september.Id, CancellationToken.None))!.Total.MinorUnits); // September stays as invoiced
    }
}
