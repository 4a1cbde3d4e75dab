using Billing.Application.Metering;
using Billing.Functions.Tests.Invoicing;

namespace Billing.Functions.Tests.Metering;

/// <summary>
/// A metering stall is visible while it lasts: the batch's lag is logged before anything can fail, so a batch that fails
/// every try (storage unreachable here) reports its growing age on each redelivery, long before its hub drops it.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class MeteringServiceLagTests(AzuriteFixture azurite)
{
    private static readonly BillingPeriod October = new(2026, 10);

    [Fact]
    public async Task MeterAsync_StorageUnreachableForAnHoursOldBatch_LogsTheLagThenFails()
    {
        var setup = await PeriodCloserSetup.NewAsync(azurite, October.Start.AddDays(10));
        var client = new TableClientOptions();
        client.Retry.MaxRetries = 0;
        var unreachable = new BillingTables(new TableServiceClient(AzuriteFixture.ConnectionStringFor(FreePort.Find()), client), setup.Tables.Options);
        var directory = new PartnerDirectory(new PartnerStore(unreachable), Options.Create(new PartnerOptions()), setup.Clock, NullLogger<PartnerDirectory>.Instance);
        var lagLog = new ListLogger<MeteringLag>();
        var metering = setup.Metering(directory, new QuarantineStore(unreachable), new FactStore(unreachable), lagLog);
        var usage = SampleEvents.Carrier("stalled-1", PlatformFixture.NewHotspot(), 700, 300, October.Start.AddDays(9));
        var batch = new MeteringBatch([usage.ToJsonString()], [setup.Clock.GetUtcNow().AddHours(-3)], [7], "5");

        await Assert.ThrowsAnyAsync<RequestFailedException>(() => metering.MeterAsync(MeteringHubs.CarrierOffload, EventTypes.CarrierOffloadV1, batch, CancellationToken.None));
        setup.Clock.Advance(TimeSpan.FromHours(1)); // redelivered an hour later, still failing
        await Assert.ThrowsAnyAsync<RequestFailedException>(() => metering.MeterAsync(MeteringHubs.CarrierOffload, EventTypes.CarrierOffloadV1, batch, CancellationToken.None));

        Assert.Equal(["Lag=03:00:00", "Lag=04:00:00"], lagLog.Entries.Select(e => Assert.Single(e.Values, v => v.StartsWith("Lag=", StringComparison.Ordinal))));
        Assert.All(lagLog.Entries, e => Assert.Contains("Hub=carrier-offload", e.Values));
    }
}
