using Billing.Application.Metering;
using Billing.Functions.Tests.Invoicing;

namespace Billing.Functions.Tests.Metering;

/// <summary>
/// Events metering sets aside after the hub delivered them (a second version of an id, a row storage refuses) keep
/// their hub position like any other: the quarantine lists it, and a replay takes the event's age when its hub had it,
/// so an event accepted in time counts however late it is replayed.
/// </summary>
public sealed class MeteringSetAsideTests(AzuriteFixture azurite) : MeteringTestBase
{
    private static Task<MeteringSummary> MeterAsync(MeteringService metering, JsonObject usage, long sequenceNumber) =>
        metering.MeterAsync(MeteringHubs.CarrierOffload, EventTypes.CarrierOffloadV1, new MeteringBatch([usage.ToJsonString()], [Enqueued], [sequenceNumber], "3"), Ct);

    private static async Task<QuarantineEntry> SetAsideAsync(PeriodCloserSetup setup, string eventId) =>
        Assert.Single((await new QuarantineStore(setup.Tables).PageAsync(new QuarantineFilter("carrier-tmo", null, null, null), null, 10, Ct)).Entries, e => e.EventId == eventId);

    private static async Task<long> BytesAsync(PeriodCloserSetup setup, string eventId) =>
        await setup.Facts.QueryAsync("carrier-tmo", October.Start, October.End, Ct).Where(f => f.Id == eventId).Select(f => f.Bytes).SumAsync();

    [Fact]
    public async Task MeterAsync_RowStorageRefuses_SetAsideWithItsHubPositionAndCountedWhenReplayedAfter35Days()
    {
        var setup = await NewAsync(azurite);
        var (faulty, fault) = RefusingTables.Create(azurite.ConnectionString, setup.Tables, "refused-1");
        var metering = setup.Metering(facts: new FactStore(faulty));
        var usage = SampleEvents.Carrier("refused-1", PlatformFixture.NewHotspot(), 700, 300, October.Start.AddDays(9));

        var summary = await MeterAsync(metering, usage, 42);
        var entry = await SetAsideAsync(setup, "refused-1");
        fault.Refusing = false; // the fault is repaired, 40 days after the session
        setup.Clock.Advance(TimeSpan.FromDays(40));
        var replayed = await setup.Replayer(metering).ReplayAsync(entry.Id, "finance", Ct);

        Assert.Equal((1, QuarantineKind.Unstorable), (summary.Quarantined, entry.Kind));
        Assert.Equal(("3", 42L, Enqueued), (entry.PartitionId, entry.SequenceNumber, entry.EnqueuedTime)); // before: no sequence number, no enqueue time
        Assert.Equal(ReplayOutcome.Metered, replayed!.Outcome); // before: invalid, "time: is more than 35 days in the past"
        Assert.Equal(1_000, await BytesAsync(setup, "refused-1"));
    }

    [Fact]
    public async Task MeterAsync_EventWhoseTimeRowIsThereWithoutItsIdentityRow_SetAsideUnstorableNamingTheRowAndTheRestCounted()
    {
        var setup = await NewAsync(azurite);
        var metering = setup.Metering();
        var time = October.Start.AddDays(9);
        string rk = FactStore.TimeRowKey(time, "carrier-tmo", "planted-1");
        // Planted by someone with write access to storage: metering writes a fact's time row with its identity row, in one transaction.
        await setup.Tables.Facts.AddEntityAsync(new TableEntity(setup.Facts.PartitionKey("carrier-tmo", "carrier-tmo", "planted-1"), rk) { ["Bytes"] = 5L }, Ct);
        string[] ids = ["planted-1", "beside-1", "beside-2"];
        var batch = new MeteringBatch(
            [.. ids.Select(id => SampleEvents.Carrier(id, PlatformFixture.NewHotspot(), 700, 300, time).ToJsonString())], [Enqueued, Enqueued, Enqueued], [50, 51, 52], "3");

        var summary = await metering.MeterAsync(MeteringHubs.CarrierOffload, EventTypes.CarrierOffloadV1, batch, Ct); // before: 503 on every delivery
        var entry = await SetAsideAsync(setup, "planted-1");

        Assert.Equal((3, 2, 1), (summary.Received, summary.Inserted, summary.Quarantined));
        Assert.Equal(QuarantineKind.Unstorable, entry.Kind);
        Assert.Contains(entry.Reasons, r => r.Contains($"time row '{rk}' without its identity row", StringComparison.Ordinal));
        foreach (string id in ids)
        {
            var identity = await setup.Tables.Facts.GetEntityIfExistsAsync<TableEntity>(
                setup.Facts.PartitionKey("carrier-tmo", "carrier-tmo", id), FactStore.IdentityRowKey("carrier-tmo", id), cancellationToken: Ct);
            Assert.Equal(id != "planted-1", identity.HasValue); // fact reads now name the planted row as not the platform's (FactStoreUnreadableRowTests)
        }
    }

    [Fact]
    public async Task MeterAsync_SecondVersionOfAnId_SetAsideWithItsHubPositionAndTheFirstStillCountsWhenReplayedAfter35Days()
    {
        var setup = await NewAsync(azurite);
        var metering = setup.Metering();
        string hotspot = PlatformFixture.NewHotspot();
        await MeterAsync(metering, SampleEvents.Carrier("twice-1", hotspot, 700, 300, October.Start.AddDays(9)), 41);

        var summary = await MeterAsync(metering, SampleEvents.Carrier("twice-1", hotspot, 9_000, 300, October.Start.AddDays(9)), 42);
        var entry = await SetAsideAsync(setup, "twice-1");
        setup.Clock.Advance(TimeSpan.FromDays(40));
        var replayed = await setup.Replayer(metering).ReplayAsync(entry.Id, "finance", Ct);

        Assert.Equal((1, QuarantineKind.Conflict), (summary.Quarantined, entry.Kind));
        Assert.Equal(("3", 42L, Enqueued), (entry.PartitionId, entry.SequenceNumber, entry.EnqueuedTime)); // before: no sequence number, no enqueue time
        Assert.Equal(ReplayOutcome.Conflict, replayed!.Outcome); // never replayed over the version that counts, however late
        Assert.Equal(1_000, await BytesAsync(setup, "twice-1"));
    }
}
