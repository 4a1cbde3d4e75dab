using Billing.Application.Tests.Rollups;

namespace Billing.Application.Tests.Usage;

/// <summary>Rollups deleted beside their facts: an answer read from the rest would bill that shard's usage as zero.</summary>
public class UsageReaderTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly BillingPeriod October = new(2026, 10);

    private static PendingFact Carrier(int i, DateTimeOffset time) => new(new UsageFact
    {
        Source = "carrier-tmo", Id = "r-" + i, Payer = "carrier-tmo", Type = EventTypes.CarrierOffloadV1, Time = time,
        ContentHash = "h" + i, Hotspot = "hs-" + (i % 3), Rat = "wlan", Bytes = 1000 + i,
    }, "{}");

    /// <summary>60 carrier facts (<c>r-0</c>…<c>r-59</c>, every 7 hours from October 1st) over two shards.</summary>
    internal static async Task<(BillingTables Tables, FactStore Facts)> MeteredAsync(AzuriteFixture azurite)
    {
        var tables = await azurite.NewTablesAsync(shards: 2);
        var facts = new FactStore(tables);
        await facts.AppendAsync([.. Enumerable.Range(0, 60).Select(i => Carrier(i, Start.AddHours(i * 7)))], CancellationToken.None);
        Assert.True(Enumerable.Range(0, 60).Select(i => facts.Shard("carrier-tmo", "r-" + i)).Distinct().Count() == 2, "the facts should span both shards");
        return (tables, facts);
    }

    [Theory]
    [InlineData(UsageWindow.Month)]
    [InlineData(UsageWindow.Day)]
    public async Task ReadAsync_EveryRollupOfAShardDeletedBesideItsFacts_RefusesTheAnswerNamingTheShard(UsageWindow window)
    {
        var (tables, facts) = await MeteredAsync(azurite);
        string pk = FactStore.ShardPartitionKey("carrier-tmo", 1);
        await foreach (var row in tables.Facts.QueryAsync<TableEntity>(e => e.PartitionKey == pk))
        {
            if (row.RowKey.StartsWith(RollupCodec.RowPrefix, StringComparison.Ordinal))
            {
                await tables.Facts.DeleteEntityAsync(pk, row.RowKey);
            }
        }

        var reader = new UsageReader(facts);

        // Before: the shard's usage was summed as zero, an answer (and an invoice) short by half the facts.
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadAsync("carrier-tmo", Meters.OffloadBytesMeter, window, Start, October.End, [], null, CancellationToken.None));
        Assert.Contains("shard 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("billing rollups rebuild", ex.Message, StringComparison.Ordinal);
        await new RollupMaintenance(facts, TimeProvider.System).RebuildAsync("carrier-tmo", October, CancellationToken.None);
        Assert.Equal(
            RollupPropertyTests.Text(await reader.FromFactsAsync("carrier-tmo", Meters.OffloadBytesMeter, window, Start, October.End, [], null, CancellationToken.None)),
            RollupPropertyTests.Text(await reader.ReadAsync("carrier-tmo", Meters.OffloadBytesMeter, window, Start, October.End, [], null, CancellationToken.None)));
    }

    [Theory]
    [InlineData(UsageWindow.Hour)]
    [InlineData(UsageWindow.Day)]
    public async Task ReadAsync_FirstFactOfAShardsBucketMeteredBetweenItsReads_AnsweredNotRefused(UsageWindow window)
    {
        var real = await azurite.NewTablesAsync(shards: 1);
        var start = Start.AddDays(3);
        await new FactStore(real).AppendAsync([Carrier(1, start.AddDays(-1))], CancellationToken.None); // usage before, none yet in the bucket
        // Metering counts the bucket's first fact (and adds its rows) right after the read found no row there.
        var (tables, hook) = InterleavingTables.Create(azurite.ConnectionString, real, $"RowKey='{RollupCodec.RowKey(window, start)}'",
            () => new FactStore(real).AppendAsync([Carrier(2, start.AddMinutes(5))], CancellationToken.None));
        var reader = new UsageReader(new FactStore(tables));
        var end = UsageRollup.WindowEnd(start, window);

        var rows = await reader.ReadAsync("carrier-tmo", Meters.OffloadBytesMeter, window, start, end, [], null, CancellationToken.None); // before: InvalidDataException, "deleted outside the platform"

        Assert.True(hook.Fired);
        Assert.Equal(
            RollupPropertyTests.Text(await reader.FromFactsAsync("carrier-tmo", Meters.OffloadBytesMeter, window, start, end, [], null, CancellationToken.None)),
            RollupPropertyTests.Text(rows));
    }

    [Fact]
    public async Task ReadAsync_PayerOrMonthWithoutFacts_IsEmptyNotRefused()
    {
        var (_, facts) = await MeteredAsync(azurite);
        var reader = new UsageReader(facts);

        var otherPayer = await reader.ReadAsync("carrier-other", Meters.OffloadBytesMeter, UsageWindow.Month, Start, October.End, [], null, CancellationToken.None);
        var otherMonth = await reader.ReadAsync("carrier-tmo", Meters.OffloadBytesMeter, UsageWindow.Day, Start.AddMonths(1), Start.AddMonths(2), [], null, CancellationToken.None);

        Assert.Empty(otherPayer);
        Assert.Empty(otherMonth);
    }

    [Fact]
    public async Task ReadAsync_MonthRowsPlantedSoTheirSumsPassInt128_RefusedAsStoredDataNotAnOverflow()
    {
        var (tables, facts) = await MeteredAsync(azurite);
        string rowKey = RollupCodec.RowKey(UsageWindow.Month, Start);
        foreach (int shard in new[] { 0, 1 })
        {
            // Each shard's sums read fine alone; no metered usage comes near, so only rows changed in storage add past Int128.
            var row = (await tables.Facts.GetEntityAsync<TableEntity>(FactStore.ShardPartitionKey("carrier-tmo", shard), rowKey)).Value;
            row["S0"] = System.Text.RegularExpressions.Regex.Replace(row.GetString("S0"), "=[0-9]+", "=" + Int128.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await tables.Facts.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        }

        var reader = new UsageReader(facts);

        // Before: an OverflowException, an untyped 500 the CLI retried.
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadAsync("carrier-tmo", Meters.OffloadBytesMeter, UsageWindow.Month, Start, October.End, [], null, CancellationToken.None));
        Assert.Contains("billing rollups verify", ex.Message, StringComparison.Ordinal);
    }
}
