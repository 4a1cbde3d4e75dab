using Azure;
using Billing.Application.Tests.Rollups;
using Billing.Domain.Metering.Rollups;

namespace Billing.Application.Tests.Usage;

/// <summary>
/// What one usage query may cost: the part of its range read from facts (no rollup answers it) and the rows of its
/// answer are bounded, and a query beyond either is refused naming <c>to</c> before (or as soon as) it reads too much.
/// The payer's shards are read in parallel: when one refuses (past the row cap, or a fact it cannot read), the others
/// stop reading storage and the caller hears that refusal; a caller that cancels hears a cancellation.
/// </summary>
public class UsageQueryTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Payer = "tenant-map";
    private const string Carrier = "carrier-tmo";
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

    [Fact]
    public async Task RunAsync_OneShardPastTheRowCap_SiblingShardsStopReading()
    {
        var real = await SeededAsync();
        var (all, whole) = CrashingTables.Create(azurite.ConnectionString, real, int.MaxValue, afterSuccess: false);
        Assert.Equal(5, (await MonthByHotspot(all, maxRows: 1_000, CancellationToken.None)).Count);

        var (capped, part) = CrashingTables.Create(azurite.ConnectionString, real, int.MaxValue, afterSuccess: false);
        var ex = await Assert.ThrowsAsync<UsageQueryTooLargeException>(() => MonthByHotspot(capped, maxRows: 4, CancellationToken.None));

        Assert.Equal("to", ex.Field);
        Assert.Contains("4 rows", ex.Reason, StringComparison.Ordinal);
        // Before: shard 1 read its 30 days to the end after shard 0 was refused (as many requests as the whole answer).
        Assert.True(part.Requests < whole.Requests / 2, $"{part.Requests} requests refused against {whole.Requests} for the whole answer: the other shard should stop");
    }

    [Fact]
    public async Task RunAsync_OneShardWithAnUnreadableFact_SiblingShardsStopReading()
    {
        var real = await SeededAsync();
        var (all, whole) = CrashingTables.Create(azurite.ConnectionString, real, int.MaxValue, afterSuccess: false);
        Assert.Equal(5, (await MonthByHotspot(all, maxRows: 1_000, CancellationToken.None)).Count);
        var facts = new FactStore(real);
        string id = IdsOf(facts, shard: 0).First();
        // As someone with write access to storage could: the fact's time no longer matches its row key.
        await real.Facts.UpdateEntityAsync(
            new TableEntity(facts.PartitionKey(Carrier, Carrier, id), FactStore.TimeRowKey(October.AddHours(1), Carrier, id)) { ["Time"] = October.AddHours(2) }, ETag.All, TableUpdateMode.Merge);

        var (broken, part) = CrashingTables.Create(azurite.ConnectionString, real, int.MaxValue, afterSuccess: false);
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => MonthByHotspot(broken, maxRows: 1_000, CancellationToken.None));

        Assert.Contains("property 'Time'", ex.Message, StringComparison.Ordinal);
        Assert.True(part.Requests < whole.Requests / 2, $"{part.Requests} requests refused against {whole.Requests} for the whole answer: the other shard should stop");
    }

    [Fact]
    public async Task RunAsync_CallerCancelsWhileShardsRead_ReportedAsCancellation()
    {
        var real = await SeededAsync();
        using var caller = new CancellationTokenSource();
        var options = new TableClientOptions();
        options.AddPolicy(new CancelAt(5, caller), HttpPipelinePosition.PerCall);
        var tables = new BillingTables(new TableServiceClient(azurite.ConnectionString, options), real.Options);

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => MonthByHotspot(tables, maxRows: 1_000, caller.Token));

        Assert.True(caller.IsCancellationRequested);
        Assert.Equal(caller.Token, ex.CancellationToken);
    }

    /// <summary>
    /// Two shards: shard 0 holds five hotspots (<c>hs-0</c> first) on October 1st, shard 1 holds <c>hs-0</c> once a day for
    /// 30 days. Every day bucket is marked overflowed, so each is read from its facts: one storage request per day of
    /// shard 1, all adding to the row shard 0 made first.
    /// </summary>
    private async Task<BillingTables> SeededAsync()
    {
        var tables = await azurite.NewTablesAsync(shards: 2);
        var facts = new FactStore(tables);
        var first = IdsOf(facts, shard: 0).Take(5).Select((id, i) => Offload(id, October.AddHours(1 + i), "hs-" + i));
        var daily = IdsOf(facts, shard: 1).Take(30).Select((id, i) => Offload(id, October.AddDays(i).AddHours(3), "hs-0"));
        var pending = first.Concat(daily).ToList();
        await facts.AppendAsync(pending, CancellationToken.None);
        foreach (var fact in pending.Select(p => p.Fact))
        {
            // What a day holding more groups than a row keeps looks like to a reader: its sums claim nothing.
            var row = new TableEntity(facts.PartitionKey(Carrier, Carrier, fact.Id), RollupCodec.RowKey(UsageWindow.Day, fact.Time)) { ["Detail"] = nameof(RollupDetail.Overflow) };
            await tables.Facts.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge);
        }

        return tables;
    }

    private static IEnumerable<string> IdsOf(FactStore facts, int shard) =>
        Enumerable.Range(0, int.MaxValue).Select(i => "s-" + i).Where(id => facts.Shard(Carrier, id) == shard);

    private static PendingFact Offload(string id, DateTimeOffset time, string hotspot) => new(new UsageFact
    {
        Source = Carrier, Id = id, Payer = Carrier, Type = EventTypes.CarrierOffloadV1, Time = time,
        ContentHash = "h-" + id, Hotspot = hotspot, Rat = "wlan", Bytes = 1000,
    }, "{}");

    /// <summary>October 1st to 31st by month and hotspot: read from the day buckets (hotspot is too fine for month rows).</summary>
    private static Task<IReadOnlyList<UsageRow>> MonthByHotspot(BillingTables tables, int maxRows, CancellationToken cancellationToken) =>
        Query(new FactStore(tables), maxRows).RunAsync(Finance, Carrier, Meters.OffloadBytesMeter, UsageWindow.Month, October, October.AddDays(30), [Meters.Hotspot], cancellationToken);

    /// <summary>Cancels the caller at the N-th storage request (which then goes out with the caller's token cancelled).</summary>
    private sealed class CancelAt(int at, CancellationTokenSource caller) : TablesPolicy
    {
        private int requests;

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (Interlocked.Increment(ref requests) == at)
            {
                await caller.CancelAsync();
            }

            await ProcessNextAsync(message, pipeline);
        }
    }
}
