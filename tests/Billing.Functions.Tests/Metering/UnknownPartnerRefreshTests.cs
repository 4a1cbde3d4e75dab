using Billing.Application.Ingestion;
using Billing.Application.Metering;
using Billing.Publishing;
using Billing.Functions.Tests.Invoicing;

namespace Billing.Functions.Tests.Metering;

/// <summary>
/// Two instances over the same tables: finance creates partners on A (whose directory forgets its cache at once), B
/// ingests and meters with a registry snapshot it read before. An event naming a partner B does not know is validated
/// again against a fresh read of the registry before it is refused (ingestion: at most once a second) or set aside as
/// invalid (metering: once a batch).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class UnknownPartnerRefreshTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly Partner Finance = new("finance", PartnerRole.Finance, null);
    private static readonly BillingPeriod October = new(2026, 10);
    private static readonly DateTimeOffset Now = October.Start.AddDays(10);

    private sealed record Instances(PeriodCloserSetup Setup, PartnerManagement OnA, MeteringService OnB, ListLogger<PartnerDirectory> LogOfB, UsageIngestion IngestionOnB)
    {
        /// <summary>Posts <paramref name="usage"/> to B as <paramref name="caller"/> (authenticated there: keys are read from storage).</summary>
        public Task<IngestOutcome> PostToBAsync(Partner caller, JsonObject usage) =>
            IngestionOnB.IngestAsync(caller, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" },
                Encoding.UTF8.GetBytes(usage.ToJsonString()), Ct);

        /// <summary>How often B's directory has read the registry.</summary>
        public int ReadsOfB => LogOfB.Entries.Count(e => e.Message.StartsWith("Partner registry refreshed", StringComparison.Ordinal));
    }

    /// <summary>A and B, with B's snapshot read a second before now (within its cache TTL).</summary>
    private async Task<Instances> TwoInstancesAsync()
    {
        var setup = await PeriodCloserSetup.NewAsync(azurite, Now);
        var onA = new PartnerManagement(setup.Partners, setup.Directory(), setup.Plans, Options.Create(new PartnerOptions()), setup.Clock, NullLogger<PartnerManagement>.Instance);
        var log = new ListLogger<PartnerDirectory>();
        var b = setup.Directory(log);
        await b.RefreshAsync(Ct);
        setup.Clock.Advance(TimeSpan.FromSeconds(1));
        var ingestion = new UsageIngestion(new UsageEventValidator(b, setup.Plans), new UsagePartitioner([], setup.Facts.Shards), new AcceptingHub(), setup.Clock, b);
        return new Instances(setup, onA, setup.Metering(b), log, ingestion);
    }

    private sealed class AcceptingHub : IUsagePublisher
    {
        public Task PublishAsync(IReadOnlyList<PublishedUsage> events, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static MeteringBatch Batch(params JsonObject[] events) =>
        new([.. events.Select(e => e.ToJsonString())], [.. events.Select(_ => (DateTimeOffset?)Now)], [.. events.Select((_, i) => (long?)i)], "0");

    private static JsonObject Gpu(string id, string tenant) => SampleEvents.Compute(id, "lease-" + id, "H100", 1, Now.AddMinutes(-5), tenant: tenant);

    private static Task CreateAsync(Instances i, string id, string role, string plan) =>
        i.OnA.CreateAsync(Finance, new PartnerDraft(id, role, plan, "Partner " + id, $"billing@{id}.example", null) { Providers = role == "tenant" ? ["provider-nodeops"] : null }, Ct);

    [Fact]
    public async Task MeterAsync_PayerAndSourceCreatedOnAnotherInstanceWithinTheCacheTtl_MeteredNotSetAside()
    {
        var i = await TwoInstancesAsync();
        await CreateAsync(i, "tenant-new", "tenant", "compute-standard-v1");
        await CreateAsync(i, "carrier-new", "carrier", "carrier-standard-v1");
        i.Setup.Clock.Advance(TimeSpan.FromSeconds(2)); // the events were posted (202 on A) and delivered to B

        var gpu = await i.OnB.MeterAsync(MeteringHubs.ComputeUsage, EventTypes.ComputeUsageV1, Batch(Gpu("gpu-new", "tenant-new")), Ct);
        var offload = await i.OnB.MeterAsync(MeteringHubs.CarrierOffload, EventTypes.CarrierOffloadV1,
            Batch(SampleEvents.Carrier("off-new", PlatformFixture.NewHotspot(), 700, 300, Now.AddMinutes(-5), source: "carrier-new")), Ct);

        Assert.Equal((1, 0), (gpu.Inserted, gpu.Quarantined)); // before: set aside, "data.tenantId: 'tenant-new' is not a registered tenant"
        Assert.Equal((1, 0), (offload.Inserted, offload.Quarantined)); // before: set aside, "source: 'carrier-new' is not a registered partner"
        Assert.Empty(await new QuarantineStore(i.Setup.Tables).ListAsync(null, Ct));
    }

    [Fact]
    public async Task IngestAsync_PayerCreatedOnAnotherInstanceWithinTheCacheTtl_Accepted()
    {
        var i = await TwoInstancesAsync();
        await CreateAsync(i, "tenant-fresh", "tenant", "compute-standard-v1");
        i.Setup.Clock.Advance(TimeSpan.FromSeconds(1)); // B read the registry 2 s ago, before the partner existed

        var outcome = await i.PostToBAsync(new Partner("provider-nodeops", PartnerRole.Provider, null), Gpu("gpu-fresh", "tenant-fresh"));

        Assert.Null(outcome.Refusal); // before: 400, "data.tenantId: 'tenant-fresh' is not a registered tenant", for up to the TTL
        Assert.Equal(1, outcome.Accepted);
    }

    [Fact]
    public async Task IngestAsync_GrantMadeOnAnotherInstanceWithinTheCacheTtl_Accepted()
    {
        var i = await TwoInstancesAsync();
        await i.OnA.CreateAsync(Finance, new PartnerDraft("tenant-late", "tenant", "compute-standard-v1", "Partner tenant-late", "billing@tenant-late.example", null), Ct);
        i.Setup.Clock.Advance(TimeSpan.FromSeconds(2));
        var refused = await i.PostToBAsync(new Partner("provider-nodeops", PartnerRole.Provider, null), Gpu("gpu-late-1", "tenant-late"));
        await i.OnA.UpdateAsync(Finance, "tenant-late", new PartnerUpdate(null, null, null, null, null) { Providers = ["provider-nodeops"] }, Ct);
        i.Setup.Clock.Advance(TimeSpan.FromSeconds(2));

        var accepted = await i.PostToBAsync(new Partner("provider-nodeops", PartnerRole.Provider, null), Gpu("gpu-late-2", "tenant-late"));

        Assert.Equal("'tenant-late' is not an active registered tenant", Assert.Single(refused.Refusal!.Errors, e => e.Field.EndsWith("data.tenantId", StringComparison.Ordinal)).Reason);
        Assert.Null(accepted.Refusal); // B read the registry again: an ungranted payer answers as an unknown one, and is looked up as one
    }

    [Fact]
    public async Task IngestAsync_PayerCreatedOnThisInstanceWithinASecondOfItsLastRead_Accepted()
    {
        var setup = await PeriodCloserSetup.NewAsync(azurite, Now);
        var a = setup.Directory();
        await a.RefreshAsync(Ct);
        var management = new PartnerManagement(setup.Partners, a, setup.Plans, Options.Create(new PartnerOptions()), setup.Clock, NullLogger<PartnerManagement>.Instance);
        await management.CreateAsync(Finance, new PartnerDraft("tenant-here", "tenant", "compute-standard-v1", "Partner tenant-here", "billing@tenant-here.example", null) { Providers = ["provider-nodeops"] }, Ct);
        var ingestion = new UsageIngestion(new UsageEventValidator(a, setup.Plans), new UsagePartitioner([], setup.Facts.Shards), new AcceptingHub(), setup.Clock, a);

        var outcome = await ingestion.IngestAsync(new Partner("provider-nodeops", PartnerRole.Provider, null),
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" }, Encoding.UTF8.GetBytes(Gpu("gpu-here", "tenant-here").ToJsonString()), Ct);

        Assert.Null(outcome.Refusal); // before: 400, the instance that made the change held its last read as fresh for a second
    }

    [Fact]
    public async Task IngestAsync_PayersNoInstanceKnows_RefusedAfterAtMostOneRegistryReadASecond()
    {
        var i = await TwoInstancesAsync();
        var provider = new Partner("provider-nodeops", PartnerRole.Provider, null);
        i.Setup.Clock.Advance(TimeSpan.FromSeconds(1));
        int before = i.ReadsOfB;

        var outcomes = new List<IngestOutcome>();
        for (int n = 0; n < 10; n++)
        {
            outcomes.Add(await i.PostToBAsync(provider, Gpu($"gpu-{n}", $"tenant-nobody-{n}")));
        }

        int afterBurst = i.ReadsOfB;
        i.Setup.Clock.Advance(TimeSpan.FromSeconds(2));
        await i.PostToBAsync(provider, Gpu("gpu-later", "tenant-nobody-later"));

        Assert.All(outcomes, o => Assert.Contains(Assert.Single(o.Rejected).Errors, e => e.Field == "data.tenantId" && e.Reason.EndsWith("is not an active registered tenant", StringComparison.Ordinal)));
        Assert.Equal((1, 2), (afterBurst - before, i.ReadsOfB - before)); // a flood of unknown ids reads the registry once a second, not once a request
    }

    [Fact]
    public async Task MeterAsync_PayersNoInstanceKnows_SetAsideInvalidAfterOneRegistryReadABatch()
    {
        var i = await TwoInstancesAsync();
        var unknown = Enumerable.Range(0, 20).Select(n => Gpu($"gpu-{n}", $"tenant-nobody-{n}")).ToArray();
        int before = i.ReadsOfB;

        var first = await i.OnB.MeterAsync(MeteringHubs.ComputeUsage, EventTypes.ComputeUsageV1, Batch(unknown), Ct);
        int afterFirst = i.ReadsOfB;
        i.Setup.Clock.Advance(TimeSpan.FromSeconds(1));
        var redelivered = await i.OnB.MeterAsync(MeteringHubs.ComputeUsage, EventTypes.ComputeUsageV1, Batch(unknown), Ct);

        Assert.Equal((0, 20), (first.Inserted, first.Quarantined));
        Assert.Equal((0, 20), (redelivered.Inserted, redelivered.Quarantined));
        Assert.Equal((1, 2), (afterFirst - before, i.ReadsOfB - before)); // one read a batch, not one an event
        var set = await new QuarantineStore(i.Setup.Tables).ListAsync(null, Ct);
        Assert.Equal(20, set.Count);
        Assert.All(set, e => Assert.Equal(QuarantineKind.Invalid, e.Kind));
        Assert.All(set, e => Assert.Contains(e.Reasons, r => r.StartsWith("data.tenantId: 'tenant-nobody-", StringComparison.Ordinal) && r.EndsWith("' is not an active registered tenant", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task MeterAsync_BatchesNamingAnUngrantedPayer_RegistryReadAtMostOnceASecondAndAFreshGrantCounts()
    {
        var i = await TwoInstancesAsync();
        await i.OnA.CreateAsync(Finance, new PartnerDraft("tenant-shut", "tenant", "compute-standard-v1", "Partner tenant-shut", "billing@tenant-shut.example", null), Ct);
        i.Setup.Clock.Advance(TimeSpan.FromSeconds(2));
        int before = i.ReadsOfB;

        var refused = new List<MeteringSummary>();
        for (int n = 0; n < 5; n++)
        {
            refused.Add(await i.OnB.MeterAsync(MeteringHubs.ComputeUsage, EventTypes.ComputeUsageV1, Batch(Gpu($"gpu-shut-{n}", "tenant-shut")), Ct));
            i.Setup.Clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        int afterRun = i.ReadsOfB;
        await i.OnA.UpdateAsync(Finance, "tenant-shut", new PartnerUpdate(null, null, null, null, null) { Providers = ["provider-nodeops"] }, Ct);
        i.Setup.Clock.Advance(TimeSpan.FromSeconds(1));
        var granted = await i.OnB.MeterAsync(MeteringHubs.ComputeUsage, EventTypes.ComputeUsageV1, Batch(Gpu("gpu-shut-granted", "tenant-shut")), Ct);

        Assert.All(refused, s => Assert.Equal((0, 1), (s.Inserted, s.Quarantined)));
        Assert.Equal(1, afterRun - before); // before: one read a batch, which a sender naming an ungranted payer could keep going
        Assert.Equal((1, 0), (granted.Inserted, granted.Quarantined)); // a grant made on A counts on B a second later
    }

    [Fact]
    public async Task ReplayAsync_SourceCreatedOnAnotherInstanceAfterItWasSetAside_Metered()
    {
        var i = await TwoInstancesAsync();
        var usage = SampleEvents.Carrier("off-late", PlatformFixture.NewHotspot(), 700, 300, Now.AddMinutes(-5), source: "carrier-late");
        await i.OnB.MeterAsync(MeteringHubs.CarrierOffload, EventTypes.CarrierOffloadV1, Batch(usage), Ct);
        string id = Assert.Single((await new QuarantineStore(i.Setup.Tables).PageAsync(new QuarantineFilter("carrier-late", null, null, null), null, 10, Ct)).Entries).Id;
        await CreateAsync(i, "carrier-late", "carrier", "carrier-standard-v1");
        i.Setup.Clock.Advance(TimeSpan.FromSeconds(2));

        var replayed = await i.Setup.Replayer(i.OnB).ReplayAsync(id, "finance", Ct);

        Assert.Equal(ReplayOutcome.Metered, replayed!.Outcome); // before: invalid, "source: 'carrier-late' is not a registered partner"
    }
}
