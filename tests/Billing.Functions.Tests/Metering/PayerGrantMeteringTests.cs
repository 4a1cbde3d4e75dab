using Billing.Application.Metering;
using Billing.Functions.Tests.Invoicing;

namespace Billing.Functions.Tests.Metering;

/// <summary>
/// Metering holds an event to its payer's grants as ingestion does: usage sent straight to the hub (a SAS sender, no
/// ingestion) naming a payer that did not grant its source is quarantined under the unknown payer's reason, and meters
/// when replayed once the payer grants it. A grant revoked after an event was accepted sets that event aside the same way.
/// </summary>
public sealed class PayerGrantMeteringTests(AzuriteFixture azurite) : MeteringTestBase
{
    private static readonly Partner Finance = new("finance", PartnerRole.Finance, null);

    private static PartnerManagement Management(PeriodCloserSetup setup) =>
        new(setup.Partners, setup.Directory(), setup.Plans, Options.Create(new PartnerOptions()), setup.Clock, NullLogger<PartnerManagement>.Instance);

    private static Task GrantAsync(PeriodCloserSetup setup, string tenant, params string[] providers) =>
        Management(setup).UpdateAsync(Finance, tenant, new PartnerUpdate(null, null, null, null, null) { Providers = providers }, Ct);

    private static string Gpu(string id, string tenant) =>
        new ComputeEvent(id, "lease-" + id, "H100", 64, Ten) { Duration = TimeSpan.FromHours(1), Tenant = tenant }.ToJson().ToJsonString();

    private static async Task<long> GpuSecondsAsync(PeriodCloserSetup setup, string tenant) =>
        await setup.Facts.QueryAsync(tenant, October.Start, October.End, Ct).Select(f => f.GpuSeconds).SumAsync();

    [Fact]
    public async Task MeterAsync_EventOfAProviderTheTenantNeverGranted_QuarantinedUntilGrantedThenReplayedAndMetered()
    {
        var setup = await NewAsync(azurite);
        await setup.Partners.UpsertAsync(new PartnerRegistration(new Partner("tenant-stranger", PartnerRole.Tenant, "compute-standard-v1"), "k-tenant-stranger"), Ct);
        var metering = setup.Metering();

        var summary = await MeterBatchAsync(metering, MeteringHubs.ComputeUsage, EventTypes.ComputeUsageV1, [Gpu("gpu-stranger", "tenant-stranger")]);
        var set = Assert.Single(await SetAsideOfAsync(setup, "provider-nodeops"));
        await GrantAsync(setup, "tenant-stranger", "provider-nodeops");
        var replayed = await setup.Replayer(setup.Metering()).ReplayAsync(set.Id, "finance", Ct);

        // Before: inserted, and tenant-stranger invoiced for usage it never agreed to.
        Assert.Equal((0, 1), (summary.Inserted, summary.Quarantined));
        Assert.Equal(["data.tenantId: 'tenant-stranger' is not an active registered tenant"], set.Reasons);
        Assert.Equal(ReplayOutcome.Metered, replayed!.Outcome);
        Assert.Equal(64 * 3600, await GpuSecondsAsync(setup, "tenant-stranger"));
    }

    [Fact]
    public async Task MeterAsync_EventAcceptedBeforeItsGrantWasRevoked_QuarantinedAndMeteredOnceGrantedAgain()
    {
        var setup = await NewAsync(azurite);
        await GrantAsync(setup, "tenant-lab"); // revoked after the event was accepted, before it was metered

        var summary = await MeterBatchAsync(setup.Metering(), MeteringHubs.ComputeUsage, EventTypes.ComputeUsageV1, [Gpu("gpu-revoked", "tenant-lab")]);
        var set = Assert.Single(await SetAsideOfAsync(setup, "provider-nodeops"));
        await GrantAsync(setup, "tenant-lab", "provider-nodeops");
        var replayed = await setup.Replayer(setup.Metering()).ReplayAsync(set.Id, "finance", Ct);

        Assert.Equal((0, 1), (summary.Inserted, summary.Quarantined));
        Assert.Equal(["data.tenantId: 'tenant-lab' is not an active registered tenant"], set.Reasons);
        Assert.Equal(ReplayOutcome.Metered, replayed!.Outcome);
        Assert.Equal(64 * 3600, await GpuSecondsAsync(setup, "tenant-lab"));
    }

    [Fact]
    public async Task MeterAsync_DeclaredEventNamingAPayerThatGrantedAnotherProvider_QuarantinedWithTheUnknownPayersReason()
    {
        var world = await DeclaredMeteringWorld.NewAsync(azurite, 1, DeclaredMeteringWorld.HugeUnits, DeclaredMeteringWorld.HugeUnitsPlan,
            new Partner("provider-x", PartnerRole.Provider, null), new Partner("provider-y", PartnerRole.Provider, null),
            new Partner("tenant-x", PartnerRole.Tenant, "huge-v1") { Providers = ["provider-y"] });

        var summary = await world.MeterAsync(DeclaredMeteringWorld.Event("test.huge.v1", "provider-x", "u-1", October.Start.AddDays(9), new JsonObject { ["customerId"] = "tenant-x", ["units"] = 5 }));
        var set = Assert.Single((await world.Quarantine.PageAsync(new QuarantineFilter("provider-x", null, null, null), null, 10, Ct)).Entries);

        Assert.Equal((0, 1), (summary.Inserted, summary.Quarantined));
        Assert.Equal(["data.customerId: 'tenant-x' is not an active registered tenant"], set.Reasons);
    }
}
