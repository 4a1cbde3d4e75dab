using Azure;
using Billing.Application.Tests.Rollups;
using Billing.Domain.Metering.Rollups;

namespace Billing.Application.Tests.Usage;

/// <summary>
/// What one usage query may cost: the part of its range read from facts (no rollup answers it) and the rows of its
/// answer are bounded, and a query beyond either is refused naming <c>to</c> before (or as soon as) it reads too much.
/// </summary>
public class UsageQueryTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Payer = "tenant-map";
    private static readonly MeterDefinition Cells = new("mapping.unique_cells", Aggregation.UniqueCount, "depin.mapping.coverage.v1", []);
    private static readonly DateTimeOffset October = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Partner Finance = new("finance", PartnerRole.Finance, null);

    private static UsageQuery Query(FactStore facts, int maxRows = 1_000_000) => new(new UsageReader(facts), new UsageLimits(TimeSpan.FromDays(31), maxRows));

    [Theory]
    [InlineData(UsageWindow.Day, 0, 32)] // UNIQUE_COUNT by day: facts only
    [InlineData(UsageWindow.Hour, 0, 40)]
    [InlineData(UsageWindow.Month, 5, 50)] // no whole month inside: facts only
    [InlineData(UsageWindow.Month, 5, 80)] // whole months from the markers, but 26 + 19 days at the edges from facts
    public async Task RunAsync_FactOnlySpanBeyondTheLimit_RefusedNamingToBeforeAnyRead(UsageWindow window, int fromDay, int toDay)
    {
        var (tables, counter) = CrashingTables.Create(azurite.ConnectionString, await azurite.NewTablesAsync(shards: 2), int.MaxValue, afterSuccess: false);

        var ex = await Assert.ThrowsAsync<UsageQueryTooLargeException>(() =>
            Query(new FactStore(tables)).RunAsync(Finance, Payer, Cells, window, October.AddDays(fromDay), October.AddDays(toDay), [], CancellationToken.None));

        Assert.Equal("to", ex.Field);
        Assert.Contains("31 days", ex.Reason, StringComparison.Ordinal);
        Assert.Equal(0, counter.Requests); // before: every fact of the payer over the range was read
    }

    [Theory]
    [InlineData(UsageWindow.Month, 0, 365)] // whole months: markers, no facts
    [InlineData(UsageWindow.Month, 20, 385)] // 11 + 20 days of facts at the edges
    [InlineData(UsageWindow.Day, 3, 34)]
    public async Task RunAsync_FactOnlySpanWithinTheLimit_Answered(UsageWindow window, int fromDay, int toDay)
    {
        var tables = await azurite.NewTablesAsync(shards: 2);
        var facts = new FactStore(tables);
        await facts.AppendAsync([.. Enumerable.Range(0, 40).Select(i => UniqueCountRollupTests.Mapping("q-" + i, October.AddDays(i).AddHours(5), UniqueCountRollupTests.Cell(i % 7)))], CancellationToken.None);
        var from = October.AddDays(fromDay);
        var to = October.AddDays(toDay);

        var rows = await Query(facts).RunAsync(Finance, Payer, Cells, window, from, to, [], CancellationToken.None);

        Assert.Equal(
            RollupPropertyTests.Text(await new UsageReader(facts).FromFactsAsync(Payer, Cells, window, from, to, [], null, CancellationToken.None)),
            RollupPropertyTests.Text(rows));
        Assert.NotEmpty(rows);
    }

    [Fact]
    public async Task RunAsync_AnswerBeyondTheRowCap_RefusedNamingToAfterReadingPartOfTheFacts()
    {
        var real = await azurite.NewTablesAsync(shards: 1);
        // 3,100 facts of distinct cells, 10 minutes apart over 22 days: facts are read 1,000 a page, one row per hour.
        await new FactStore(real).AppendAsync(
            [.. Enumerable.Range(0, 3_100).Select(i => UniqueCountRollupTests.Mapping("p-" + i, October.AddMinutes(i * 10), UniqueCountRollupTests.Cell(i)))], CancellationToken.None);
        var (all, whole) = CrashingTables.Create(azurite.ConnectionString, real, int.MaxValue, afterSuccess: false);
        var answered = await Query(new FactStore(all)).RunAsync(Finance, Payer, Cells, UsageWindow.Hour, October, October.AddDays(30), [], CancellationToken.None);
        Assert.Equal(517, answered.Count);

        var (capped, part) = CrashingTables.Create(azurite.ConnectionString, real, int.MaxValue, afterSuccess: false);
        var ex = await Assert.ThrowsAsync<UsageQueryTooLargeException>(() =>
            Query(new FactStore(capped), maxRows: 100).RunAsync(Finance, Payer, Cells, UsageWindow.Hour, October, October.AddDays(30), [], CancellationToken.None));

        Assert.Equal("to", ex.Field);
        Assert.Contains("100 rows", ex.Reason, StringComparison.Ordinal);
        Assert.True(part.Requests < whole.Requests, $"{part.Requests} requests capped against {whole.Requests} for the whole answer: the cap is checked as rows are made");
    }

    [Fact]
    public async Task RunAsync_BucketsThatCannotAnswerTheGroupingOverMoreThanTheLimit_RefusedNamingTo()
    {
        var tables = await azurite.NewTablesAsync(shards: 1);
        var facts = new FactStore(tables);
        var days = Enumerable.Range(0, 40).Select(i => October.AddDays(i).AddHours(3)).ToList();
        await facts.AppendAsync([.. days.Select((t, i) => new PendingFact(new UsageFact
        {
            Source = "carrier-tmo", Id = "o-" + i, Payer = "carrier-tmo", Type = EventTypes.CarrierOffloadV1, Time = t,
            ContentHash = "h" + i, Hotspot = "hs-" + (i % 3), Rat = "wlan", Bytes = 1000 + i,
        }, "{}"))], CancellationToken.None);
        string pk = FactStore.ShardPartitionKey("carrier-tmo", 0);
        foreach (var day in days)
        {
            // What a day holding more groups than a row keeps looks like to a reader: its sums claim nothing.
            await tables.Facts.UpdateEntityAsync(new TableEntity(pk, RollupCodec.RowKey(UsageWindow.Day, day)) { ["Detail"] = nameof(RollupDetail.Overflow) }, ETag.All, TableUpdateMode.Merge);
        }

        var query = Query(facts);
        var within = await query.RunAsync(Finance, "carrier-tmo", Meters.OffloadBytesMeter, UsageWindow.Day, October, October.AddDays(31), [Meters.Hotspot], CancellationToken.None);
        Assert.Equal(31, within.Count);

        var ex = await Assert.ThrowsAsync<UsageQueryTooLargeException>(() =>
            query.RunAsync(Finance, "carrier-tmo", Meters.OffloadBytesMeter, UsageWindow.Day, October, October.AddDays(40), [Meters.Hotspot], CancellationToken.None));
        Assert.Equal("to", ex.Field);
        Assert.Contains("31 days", ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(UsageWindow.Day)] // facts only
    [InlineData(UsageWindow.Month)] // markers
    public async Task RunAsync_ProviderNamingAPayer_SeesOnlyWhatItReported(UsageWindow window)
    {
        var tables = await azurite.NewTablesAsync(shards: 2);
        var facts = new FactStore(tables);
        await facts.AppendAsync(
        [
            UniqueCountRollupTests.Mapping("a-1", October.AddDays(1), UniqueCountRollupTests.Cell(1), source: "provider-hive"),
            UniqueCountRollupTests.Mapping("a-2", October.AddDays(1), UniqueCountRollupTests.Cell(2), source: "provider-other"),
            UniqueCountRollupTests.Mapping("a-3", October.AddDays(2), UniqueCountRollupTests.Cell(3), source: "provider-other"),
        ], CancellationToken.None);

        var rows = await Query(facts).RunAsync(new Partner("provider-hive", PartnerRole.Provider, null), Payer, Cells, window, October, October.AddMonths(1), [], CancellationToken.None);

        Assert.Equal(1, rows.Sum(r => (long)r.Quantity));
    }
}
