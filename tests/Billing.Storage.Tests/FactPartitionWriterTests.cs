using static Billing.Tests.Shared.SampleFacts;

namespace Billing.Storage.Tests;

/// <summary>
/// How many transactions a partition's writer spends when a batch repeats stored events: partners resend a few events in
/// most batches, and each repeat must cost about one extra transaction, not the rest of its chunk event by event.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class FactPartitionWriterTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Month = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// A one-shard store holding 1,000 new facts (ids <paramref name="idPrefix"/>-0..999, bytes from
    /// <paramref name="firstBytes"/> up): what a clean batch costs is the measure a resent batch is held to.
    /// </summary>
    private async Task<(BillingTables Tables, FactStore Store, List<PendingFact> Stored, AppendResult Clean)> StoreCleanBatchAsync(string idPrefix, long firstBytes, int count = 1000)
    {
        var tables = await azurite.NewTablesAsync(shards: 1);
        var store = new FactStore(tables);
        var stored = Enumerable.Range(0, count).Select(i => Carrier($"{idPrefix}-{i}", firstBytes + i)).ToList();
        var clean = await store.AppendAsync(stored, CancellationToken.None);
        return (tables, store, stored, clean);
    }

    [Fact]
    public async Task AppendAsync_BatchWithFiftyResentEvents_CostsAboutOneTransactionPerRepeat()
    {
        var (tables, store, first, clean) = await StoreCleanBatchAsync("a", 100);
        var random = new Random(5);
        var second = Enumerable.Range(0, 1000).Select(i => Carrier($"b-{i}", 7 + i)).ToList();
        foreach (var resent in first.OrderBy(_ => random.Next()).Take(50))
        {
            second.Insert(random.Next(second.Count + 1), resent);
        }

        var result = await store.AppendAsync(second, CancellationToken.None);

        Assert.Equal((1000, 50), (result.Inserted, result.Duplicates));
        Assert.Empty(result.Conflicts);
        Assert.InRange(result.Transactions, clean.Transactions, clean.Transactions + (2 * 50)); // event by event: about 1,000
        await AssertMonthRollupEqualsAsync(tables, first.Concat(second).DistinctBy(p => p.Fact.Id));
    }

    [Fact]
    public async Task AppendAsync_WholeBatchResent_CountsNothingInAFewTransactionsPerChunk()
    {
        var (tables, store, batch, clean) = await StoreCleanBatchAsync("w", 10);

        var resent = await store.AppendAsync(batch, CancellationToken.None);

        Assert.Equal((0, 1000), (resent.Inserted, resent.Duplicates));
        Assert.InRange(resent.Transactions, 1, 3 * clean.Transactions); // two failed transactions, then the chunk is looked up at once
        await AssertMonthRollupEqualsAsync(tables, batch);
    }

    [Fact]
    public async Task AppendAsync_ConflictingResendInsideAChunk_QuarantinesItAndWritesTheRestTogether()
    {
        var tables = await azurite.NewTablesAsync(shards: 1);
        var store = new FactStore(tables);
        var stored = Carrier("c-stored", 500, Month.AddDays(3));
        await store.AppendAsync([stored], CancellationToken.None);
        var batch = Enumerable.Range(0, 30).Select(i => Carrier($"c-{i}", 1 + i, Month.AddDays(3).AddMinutes(i))).ToList();
        var changed = Carrier("c-stored", 999, Month.AddDays(3)); // same id, other content
        batch.Insert(17, changed);

        var result = await store.AppendAsync(batch, CancellationToken.None);

        Assert.Equal(30, result.Inserted);
        var conflict = Assert.Single(result.Conflicts);
        Assert.Same(changed, conflict.Incoming);
        Assert.Equal(stored.RawEvent, conflict.ExistingRawEvent);
        Assert.Equal(2, result.Transactions); // the failed one, then the 30 others together
        await AssertMonthRollupEqualsAsync(tables, batch.Where(p => p != changed).Append(stored));
    }

    [Fact]
    public async Task AppendAsync_ChunksOfOnePartition_ReadEachRollupRowOnce()
    {
        var (tables, store, reads) = await CountedStoreAsync();
        var batch = Enumerable.Range(0, 1000).Select(i => Carrier($"r-{i}", 40 + i)).ToList(); // one day, ~25 transactions
        var rows = batch.SelectMany(p => RollupCodec.Rows(p.Fact.Time)).Select(r => r.RowKey).Distinct().Count();

        var result = await store.AppendAsync(batch, CancellationToken.None);

        Assert.Equal(1000, result.Inserted);
        Assert.True(result.Transactions > 10, $"{result.Transactions} transactions: the test needs many transactions sharing rows");
        // Each row read once before the first transaction; after that the sub-responses' ETags guard the next writes.
        Assert.Equal(rows, reads.Count);
        var again = batch.Select((p, i) => Carrier($"s-{i}", 7 + i, p.Fact.Time)).ToList();
        await store.AppendAsync(again, CancellationToken.None); // every row exists now: guarded by the ETags read once
        await AssertMonthRollupEqualsAsync(tables, batch.Concat(again));
    }

    [Fact]
    public async Task AppendAsync_NextBatchOfAPartition_ReadsNoRollupRow()
    {
        var (tables, store, reads) = await CountedStoreAsync();
        var first = Enumerable.Range(0, 300).Select(i => Carrier($"n-{i}", 40 + i)).ToList();
        await store.AppendAsync(first, CancellationToken.None);
        int afterFirst = reads.Count;

        var second = first.Select((p, i) => Carrier($"m-{i}", 9 + i, p.Fact.Time)).ToList(); // the same hours
        var result = await store.AppendAsync(second, CancellationToken.None);

        Assert.Equal(300, result.Inserted);
        Assert.Equal(afterFirst, reads.Count); // the rows and ETags the first batch's transactions left
        await AssertMonthRollupEqualsAsync(tables, first.Concat(second));
    }

    [Fact]
    public async Task AppendAsync_RowsChangedByAnotherWriterSinceCached_ReadAgainAndCountedExactly()
    {
        var (tables, store, first, _) = await StoreCleanBatchAsync("o", 40, count: 200);
        var other = first.Select((p, i) => Carrier($"p-{i}", 3 + i, p.Fact.Time)).ToList();
        await new FactStore(tables).AppendAsync(other, CancellationToken.None); // another instance: the cached ETags are stale now

        var third = first.Select((p, i) => Carrier($"q-{i}", 11 + i, p.Fact.Time)).ToList();
        var result = await store.AppendAsync(third, CancellationToken.None);

        Assert.Equal((200, 0), (result.Inserted, result.Unstorable.Count));
        await AssertMonthRollupEqualsAsync(tables, first.Concat(other).Concat(third));
    }

    [Fact]
    public async Task AppendAsync_CachedRowDeletedSince_WritesTheBatchWithoutQuarantine()
    {
        var (tables, store, first, _) = await StoreCleanBatchAsync("d", 40, count: 100);
        // What a rebuild does to a row no fact supports: deletes it (the cached ETag now names a row that is gone).
        string partition = new FactStore(tables).PartitionKey("carrier-tmo", "carrier-tmo", "d-0");
        await tables.Facts.DeleteEntityAsync(partition, RollupCodec.RowKey(UsageWindow.Month, Month), ETag.All);

        var second = first.Select((p, i) => Carrier($"e-{i}", 5 + i, p.Fact.Time)).ToList();
        var result = await store.AppendAsync(second, CancellationToken.None);

        Assert.Equal((100, 0), (result.Inserted, result.Unstorable.Count));
        await AssertMonthRollupEqualsAsync(tables, second); // the deleted row came back with the second batch's facts only
    }

    [Fact]
    public async Task AppendAsync_RowCoarsenedToFewerTextChunks_KeepsNoStaleChunk()
    {
        var tables = await azurite.NewTablesAsync(shards: 1);
        var store = new FactStore(tables);
        var day = Month.AddDays(4);
        string Hotspot(int i) => $"hs-{i:D4}-" + new string('x', 200); // long ids: a hundred of them pass one text chunk
        var first = Enumerable.Range(0, 100).Select(i => Carrier($"g-{i}", 10 + i, day.AddMinutes(i), hotspot: Hotspot(i))).ToList();
        await store.AppendAsync(first, CancellationToken.None);
        string partition = store.PartitionKey("carrier-tmo", "carrier-tmo", "g-0");
        string dayRow = RollupCodec.RowKey(UsageWindow.Day, day);
        var before = (await tables.Facts.GetEntityAsync<TableEntity>(partition, dayRow)).Value;
        Assert.True(TextChunks(before) > 1, "the test needs a day row of several text chunks");

        // A hundred more hotspots pass the row's capacity: the day is summed per RAT, a text of one short chunk.
        var second = Enumerable.Range(0, 100).Select(i => Carrier($"h-{i}", 20 + i, day.AddMinutes(i), hotspot: Hotspot(100 + i))).ToList();
        await store.AppendAsync(second, CancellationToken.None);

        var after = (await tables.Facts.GetEntityAsync<TableEntity>(partition, dayRow)).Value;
        Assert.Equal((nameof(RollupDetail.Coarse), 1), (after.GetString("Detail"), TextChunks(after))); // a merge would have kept the old S1
        var expected = RollupBucket.Empty(UsageWindow.Day, day);
        foreach (var p in first.Concat(second))
        {
            expected.Add(p.Fact);
        }

        expected.Coarsen();
        Assert.True(RollupCodec.FromEntity(after).SameSums(expected), "the day rollup differs from the stored facts");
    }

    [Fact]
    public async Task AppendAsync_RowHoldingAPropertyTheCodecDoesNotWrite_IsReplacedNotMerged()
    {
        var (tables, first, second, result, after) = await AppendAfterPlantingInTheMonthRowAsync("x", "Planted", "by someone with write access to storage");

        Assert.Equal(100, result.Inserted);
        Assert.False(after.ContainsKey("Planted"), "the row was merged: what the codec does not write survived");
        await AssertMonthRollupEqualsAsync(tables, first.Concat(second));
    }

    [Fact]
    public async Task AppendAsync_RollupRowWithAPlantedValueThatIsNotText_IsReplacedAndMeteringGoesOn()
    {
        var (_, _, _, result, after) = await AppendAfterPlantingInTheMonthRowAsync("t", "Detail", 7L); // before: GetString threw, on every redelivery

        Assert.Equal((100, 0), (result.Inserted, result.Unstorable.Count));
        Assert.Equal(nameof(RollupDetail.Overflow), after.GetString("Detail")); // readers count this month from the facts; rebuild repairs it
    }

    [Fact]
    public async Task AppendAsync_MonthRowWithPlantedTotalsPastInt128_IsReplacedAndMeteringGoesOn()
    {
        var (_, _, _, result, after) = await AppendAfterPlantingInTheMonthRowAsync( // before: OverflowException, on every redelivery
            "u", "Totals", "offload.bytes=170141183460469231731687303715884105727;offload.bytes=1");

        Assert.Equal((100, 0), (result.Inserted, result.Unstorable.Count));
        Assert.Equal(nameof(RollupDetail.Overflow), after.GetString("Detail")); // readers count this month from the facts; rebuild repairs it
    }

    [Fact]
    public async Task AppendAsync_MonthRowWithPlantedTotalsThatTheNextFactTakesPastInt128_IsReplacedAndMeteringGoesOn()
    {
        var (tables, first, second, result, after) = await AppendAfterPlantingInTheMonthRowAsync( // before: OverflowException, on every redelivery
            "y", "Totals", "offload.bytes=170141183460469231731687303715884105727"); // Int128.MaxValue: it reads, the next fact cannot be added

        Assert.Equal((100, 0), (result.Inserted, result.Unstorable.Count));
        Assert.Equal(nameof(RollupDetail.Overflow), after.GetString("Detail")); // readers count this month from the facts; rebuild repairs it
        Assert.False(after.ContainsKey("Totals"), "totals that cannot be trusted were kept");
        var rows = await new RollupStore(tables).ReadAsync("carrier-tmo", 0, UsageWindow.Day, Month, Month.AddMonths(1), CancellationToken.None);
        Assert.Equal(first.Concat(second).Sum(p => p.Fact.Bytes), rows.Buckets.SelectMany(b => b.Bucket.Sums).Where(s => s.Key.Meter == "offload.bytes").Sum(s => (long)s.Value));
    }

    [Fact]
    public async Task AppendAsync_ResentEventWhoseStoredHashWasReplacedByANumber_IsAConflictAndTheRestIsWritten()
    {
        var (tables, store, first, _) = await StoreCleanBatchAsync("v", 40, count: 20);
        var target = first[3];
        string partition = store.PartitionKey("carrier-tmo", "carrier-tmo", target.Fact.Id);
        var identity = (await tables.Facts.GetEntityAsync<TableEntity>(partition, FactStore.IdentityRowKey(target.Fact.Source, target.Fact.Id))).Value;
        identity["Hash"] = 7L; // planted by someone with write access to storage
        await tables.Facts.UpdateEntityAsync(identity, identity.ETag, TableUpdateMode.Replace);

        var batch = Enumerable.Range(0, 30).Select(i => Carrier($"w-{i}", 3 + i, target.Fact.Time)).Append(target).ToList();
        var result = await store.AppendAsync(batch, CancellationToken.None); // before: GetString threw, on every redelivery

        Assert.Equal(30, result.Inserted);
        var conflict = Assert.Single(result.Conflicts); // the stored version cannot be shown to be this one: not counted again
        Assert.Same(target, conflict.Incoming);
        Assert.Equal(target.RawEvent, conflict.ExistingRawEvent);
        await AssertMonthRollupEqualsAsync(tables, first.Concat(batch.Take(30)));
    }

    [Fact]
    public async Task AppendAsync_FactTimeRowWithoutItsIdentityRow_ThatEventUnstorableNamingTheRowAndTheRestWritten()
    {
        var tables = await azurite.NewTablesAsync(shards: 1);
        var store = new FactStore(tables);
        var batch = Enumerable.Range(0, 30).Select(i => Carrier($"i-{i}", 1 + i, Month.AddDays(3).AddMinutes(i))).ToList();
        var target = batch[17];
        string rk = FactStore.TimeRowKey(target.Fact.Time, target.Fact.Source, target.Fact.Id);
        // Planted by someone with write access to storage: the platform writes a fact's time row with its identity row, in one transaction.
        await tables.Facts.AddEntityAsync(new TableEntity(store.PartitionKey("carrier-tmo", "carrier-tmo", target.Fact.Id), rk) { ["Bytes"] = 5L });

        var result = await store.AppendAsync(batch, CancellationToken.None); // before: retried as rollup contention, then 503, on every redelivery
        var again = await store.AppendAsync(batch, CancellationToken.None);

        Assert.Equal((29, 0), (result.Inserted, result.Conflicts.Count));
        var refused = Assert.Single(result.Unstorable);
        Assert.Same(target, refused.Fact);
        Assert.Contains($"time row '{rk}'", refused.Reason, StringComparison.Ordinal);
        Assert.Contains("without its identity row", refused.Reason, StringComparison.Ordinal);
        Assert.InRange(result.Transactions, 2, 3); // the failed one, the event alone, the rest together
        Assert.Equal((0, 29), (again.Inserted, again.Duplicates));
        Assert.Same(target, Assert.Single(again.Unstorable).Fact);
        await AssertMonthRollupEqualsAsync(tables, batch.Where(p => p != target));
    }

    /// <summary>
    /// Stores 100 facts, sets <paramref name="property"/> of their month rollup row behind the writer's back (as someone
    /// with write access to storage could), appends 100 more in the same hours and returns the month row after that.
    /// </summary>
    private async Task<(BillingTables Tables, List<PendingFact> First, List<PendingFact> Second, AppendResult Result, TableEntity MonthRowAfter)> AppendAfterPlantingInTheMonthRowAsync(
        string idPrefix, string property, object value)
    {
        var (tables, store, first, _) = await StoreCleanBatchAsync(idPrefix, 40, count: 100);
        string partition = store.PartitionKey("carrier-tmo", "carrier-tmo", first[0].Fact.Id);
        string monthRow = RollupCodec.RowKey(UsageWindow.Month, Month);
        var planted = (await tables.Facts.GetEntityAsync<TableEntity>(partition, monthRow)).Value;
        planted[property] = value;
        await tables.Facts.UpdateEntityAsync(planted, planted.ETag, TableUpdateMode.Replace);

        var second = first.Select((p, i) => Carrier($"{idPrefix}2-{i}", 5 + i, p.Fact.Time)).ToList();
        var result = await store.AppendAsync(second, CancellationToken.None);
        return (tables, first, second, result, (await tables.Facts.GetEntityAsync<TableEntity>(partition, monthRow)).Value);
    }

    /// <summary>How many text chunks (S0, S1, …) a rollup row holds.</summary>
    private static int TextChunks(TableEntity row) => row.Keys.Count(k => System.Text.RegularExpressions.Regex.IsMatch(k, "^S[0-9]+$"));

    /// <summary>A one-shard store whose client counts its GET requests.</summary>
    private async Task<(BillingTables Tables, FactStore Store, PointReadCounter Reads)> CountedStoreAsync()
    {
        var reads = new PointReadCounter();
        var options = new TableClientOptions();
        options.AddPolicy(reads, HttpPipelinePosition.PerRetry);
        var tables = await azurite.NewTablesAsync(shards: 1, options);
        return (tables, new FactStore(tables), reads);
    }

    /// <summary>The month rollup of carrier-tmo equals a recomputation from the facts that were stored.</summary>
    private static async Task AssertMonthRollupEqualsAsync(BillingTables tables, IEnumerable<PendingFact> stored)
    {
        var rows = await new RollupStore(tables).ReadAsync("carrier-tmo", 0, UsageWindow.Month, Month, Month.AddMonths(1), CancellationToken.None);
        var bucket = Assert.Single(rows.Buckets).Bucket;
        var expected = RollupBucket.Empty(UsageWindow.Month, Month);
        foreach (var p in stored)
        {
            expected.Add(p.Fact);
        }

        if (bucket.Detail == RollupDetail.Coarse)
        {
            expected.Coarsen();
        }

        Assert.True(bucket.SameSums(expected), "the month rollup differs from the stored facts");
    }

    /// <summary>Counts GET requests (point reads and query pages); transactions are POSTs.</summary>
    private sealed class PointReadCounter : HttpPipelineSynchronousPolicy
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Method == RequestMethod.Get)
            {
                Interlocked.Increment(ref count);
            }
        }
    }
}
