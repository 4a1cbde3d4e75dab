using Billing.Application.Tests.Rollups;

namespace Billing.Application.Tests.Usage;

/// <summary>
/// Rows changed outside the platform (someone with write access to storage) in a payer's partitions: a rollup row is
/// derived data, so one that cannot be read is logged and its range answered from the facts; a fact row that does not
/// reconcile is never filed elsewhere than the rollups counted it (docs/design.md §6).
/// </summary>
public class UsageReaderUnreadableRowTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly BillingPeriod October = new(2026, 10);

    /// <summary>Rows under a rollup key no bucket has, inside the hour, day and month ranges of October (and the months around it).</summary>
    internal static readonly string[] PlantedKeys = ["r|h|2026100512x", "r|h|2026101", "r|d|20261005x", "r|d|2026100", "r|m|202610x"];

    /// <summary>As someone with write access to storage could: rows under keys no bucket has, in one shard of the payer.</summary>
    internal static async Task PlantAsync(BillingTables tables, int shard)
    {
        string pk = FactStore.ShardPartitionKey("carrier-tmo", shard);
        foreach (string key in PlantedKeys)
        {
            await tables.Facts.AddEntityAsync(new TableEntity(pk, key) { ["Detail"] = "Fine", ["S0"] = "offload.bytes|carrier-tmo|hs-1|wlan=999999" });
        }
    }

    public static TheoryData<UsageWindow, DateTimeOffset, DateTimeOffset> WideRanges() => new()
    {
        { UsageWindow.Hour, Start.AddDays(4), Start.AddDays(10) },
        { UsageWindow.Day, Start, October.End },
        { UsageWindow.Day, Start.AddHours(5), October.End.AddHours(-3) },
        { UsageWindow.Day, Start.AddDays(-3), Start.AddDays(9) },
        { UsageWindow.Month, Start.AddMonths(-3), Start.AddMonths(3) },
    };

    [Theory]
    [MemberData(nameof(WideRanges))]
    public async Task ReadAsync_RollupRowsWhoseKeysAreNoBucket_AnsweredFromTheFacts(UsageWindow window, DateTimeOffset from, DateTimeOffset to)
    {
        var (tables, facts) = await UsageReaderTests.MeteredAsync(azurite);
        await PlantAsync(tables, shard: 1);
        var logger = new ListLogger<UsageReader>();
        var reader = new UsageReader(facts, logger);

        var rows = await reader.ReadAsync("carrier-tmo", Meters.OffloadBytesMeter, window, from, to, [Meters.Hotspot], null, CancellationToken.None); // before: InvalidDataException

        Assert.Equal(
            RollupPropertyTests.Text(await reader.FromFactsAsync("carrier-tmo", Meters.OffloadBytesMeter, window, from, to, [Meters.Hotspot], null, CancellationToken.None)),
            RollupPropertyTests.Text(rows));
        Assert.NotEmpty(logger.Entries);
        Assert.All(logger.Entries, e => Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, e.Level));
        Assert.All(logger.Entries, e => Assert.Contains(e.Values, v => PlantedKeys.Any(k => v == "RowKey=" + k)));
        Assert.All(logger.Entries, e => Assert.Contains("carrier-tmo's shard 1", e.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(UsageWindow.Hour)]
    [InlineData(UsageWindow.Day)]
    [InlineData(UsageWindow.Month)]
    public async Task ReadAsync_FactsTimeChangedAwayFromItsRowKey_NeverFiledAtTheChangedTime(UsageWindow window)
    {
        var (tables, facts) = await UsageReaderTests.MeteredAsync(azurite);
        var moved = Start.AddHours(7 * 13);
        string pk = facts.PartitionKey("carrier-tmo", "carrier-tmo", "r-13");
        string rk = FactStore.TimeRowKey(moved, "carrier-tmo", "r-13");
        // As someone with write access to storage could: the fact's time moved to the next month; its key (and rollups) stay.
        await tables.Facts.UpdateEntityAsync(new TableEntity(pk, rk) { ["Time"] = moved.AddMonths(1) }, Azure.ETag.All, TableUpdateMode.Merge);
        var reader = new UsageReader(facts);
        var rollups = await reader.ReadAsync("carrier-tmo", Meters.OffloadBytesMeter, window, Start, October.End, [], null, CancellationToken.None);

        // Before: the facts filed it in November (an October answer without it, a November one with it); the rollups in October.
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => reader.FromFactsAsync("carrier-tmo", Meters.OffloadBytesMeter, window, Start, October.End.AddMonths(1), [], null, CancellationToken.None));

        Assert.Contains($"row '{rk}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("property 'Time'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 60).Sum(i => 1000L + i), rollups.Sum(r => (long)r.Quantity)); // as metered: the rollups still hold it at its key
        Assert.Empty(await reader.ReadAsync("carrier-tmo", Meters.OffloadBytesMeter, window, October.End, October.End.AddMonths(1), [], null, CancellationToken.None));
    }
}
