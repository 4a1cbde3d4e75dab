using System.Text.RegularExpressions;
using Billing.Application.Metering;
using Billing.Application.Rollups;
using Billing.Domain.Metering.Rollups;
using Billing.Functions.Tests.Invoicing;
using Billing.Storage.Rollups;

namespace Billing.Functions.Tests.Metering;

/// <summary>
/// A rollup row whose sums someone with write access to storage set near <see cref="Int128.MaxValue"/>: they read, and
/// the next fact of the partition cannot be added to them. Metering must still store and count that fact once (the row
/// becomes one readers answer from the facts, as an overflowing row is), never fail the batch: the hub redelivers a failed
/// batch forever, so every payer of the hub partition would stall until the events aged out of the hub.
/// </summary>
public sealed partial class MeteringPlantedRollupTests(AzuriteFixture azurite) : MeteringTestBase
{
    private static readonly DateTimeOffset At = October.Start.AddDays(9).AddHours(5);

    private static Task<MeteringSummary> MeterAsync(MeteringService metering, string id, string hotspot, long bytes, long sequenceNumber) =>
        metering.MeterAsync(MeteringHubs.CarrierOffload, EventTypes.CarrierOffloadV1,
            new MeteringBatch([SampleEvents.Carrier(id, hotspot, bytes / 2, bytes / 2, At.AddMinutes(sequenceNumber)).ToJsonString()], [Enqueued], [sequenceNumber], "0"), Ct);

    [GeneratedRegex("=[0-9]+")]
    private static partial Regex Quantity();

    /// <summary>Sets every sum (and, with <paramref name="totals"/>, every total) of the partition's rollup rows of <see cref="At"/> to <see cref="Int128.MaxValue"/>.</summary>
    private static async Task PlantAsync(PeriodCloserSetup setup, string partition, bool sums, bool totals)
    {
        foreach (var (_, _, rowKey) in RollupCodec.Rows(At))
        {
            var row = (await setup.Tables.Facts.GetEntityAsync<TableEntity>(partition, rowKey, cancellationToken: Ct)).Value;
            foreach (string name in row.Keys.Where(k => (sums && k == "S0") || (totals && k == "Totals")).ToList())
            {
                row[name] = Quantity().Replace(row.GetString(name), "=" + Int128.MaxValue.ToString(CultureInfo.InvariantCulture));
            }

            await setup.Tables.Facts.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, Ct);
        }
    }

    // Sums: the hour, day and month buckets' sums (RollupBucket.Add). Totals: the month's, which the plan's month limit
    // check reads first (RollupRows.FirstOverLimit) and the bucket adds to (RollupBucket.AddTotal).
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task MeterAsync_RollupRowsPlantedNearInt128Max_FactStoredOnceAndTheMonthBilledFromTheFacts(bool sums, bool totals)
    {
        var setup = await NewAsync(azurite);
        var metering = setup.Metering();
        string hotspot = PlatformFixture.NewHotspot();
        await MeterAsync(metering, "first-1", hotspot, 10_000_000_000, 1);
        string partition = setup.Facts.PartitionKey("carrier-tmo", "carrier-tmo", "first-1");
        // An id of the same shard, so its fact is added to the planted rows.
        string next = Enumerable.Range(0, 1000).Select(i => $"next-{i}").First(id => setup.Facts.PartitionKey("carrier-tmo", "carrier-tmo", id) == partition);
        await PlantAsync(setup, partition, sums, totals);

        var summary = await MeterAsync(metering, next, hotspot, 20_000_000_000, 2); // before: OverflowException, on every redelivery
        var again = await MeterAsync(metering, next, hotspot, 20_000_000_000, 2);
        var verified = await new RollupMaintenance(setup.Facts, setup.Clock).VerifyAsync("carrier-tmo", October, Ct);
        setup.Clock.SetUtcNow(October.End.AddDays(1));
        var closed = await setup.Closer.CloseAsync(October, force: false, Ct);

        Assert.Equal((1, 0, 0), (summary.Inserted, summary.Duplicates, summary.Quarantined));
        Assert.Equal((0, 1, 0), (again.Inserted, again.Duplicates, again.Quarantined));
        Assert.Equal(30_000_000_000, await setup.Facts.QueryAsync("carrier-tmo", October.Start, October.End, Ct).Select(f => f.Bytes).SumAsync());
        foreach (var (_, _, rowKey) in RollupCodec.Rows(At).Where(r => sums || r.Grain == UsageWindow.Month))
        {
            var row = (await setup.Tables.Facts.GetEntityAsync<TableEntity>(partition, rowKey, cancellationToken: Ct)).Value;
            Assert.Equal(nameof(RollupDetail.Overflow), row.GetString("Detail")); // readers answer this bucket from the facts
            Assert.Contains(verified.Differences, d => d.RowKey == rowKey && d.Kind == "different"); // rollups verify reports it
        }

        Assert.Empty(closed.Failed);
        Assert.Equal(300_000m, Assert.Single(Assert.Single(closed.Invoices, i => i.Payer == "carrier-tmo").Lines).Quantity); // 3e10 bytes in DC
    }
}
