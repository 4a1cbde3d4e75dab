using Billing.Application.Usage;
using Billing.Domain.Metering.Rollups;
using Billing.Storage.Rollups;

namespace Billing.Benchmarks.Benchmarks;

/// <summary>
/// Benchmark 6 — the memory of a usage query with a large answer (the kind that nears the row cap): one payer whose hour
/// rollups in every one of its 8 shards hold the same hotspots, so every shard holds a part of every row of the answer.
/// GET /api/v1/usage by hour and hotspot over the range, as <see cref="UsageQuery"/> runs it, against reading the same
/// rollup rows alone (<see cref="RollupStore.ReadAsync"/>, each shard's range decoded and dropped: the floor any reader
/// pays). Measured in one run: bytes allocated (GC.GetTotalAllocatedBytes, nothing else running) and the managed heap's
/// growth above the settled one during the query, as collections left it (what the query held, not its garbage). Rollup rows are written in the store's layout
/// (<see cref="RollupCodec.ToEntity"/>); every answer is checked against the generated sums (a mismatch is an error).
/// </summary>
public static class UsageNearCap
{
    private const string Payer = "carrier-wide";
    private const int Shards = 8;
    private const int Rounds = 3;
    private static readonly DateTimeOffset Start = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<BenchmarkResult> RunAsync(BenchOptions options, string connectionString, Action<string> log, CancellationToken ct)
    {
        var result = new BenchmarkResult("usage");
        int hotspots = options.Quick ? 32 : 128;
        int hours = options.Quick ? 7 * 24 : 31 * 24;
        var storage = new StorageOptions { ConnectionString = connectionString, TablePrefix = AzuriteFixture.UniquePrefix(), FactShards = Shards };
        var tables = new BillingTables(new TableServiceClient(connectionString), storage);
        await tables.EnsureCreatedAsync(ct);
        var facts = new FactStore(tables);
        var watch = Stopwatch.StartNew();
        var expected = await InsertAsync(tables.Facts, hotspots, hours, ct);
        log($"usage: {Fmt.Int(Shards * hours)} hour rollup rows of {hotspots} hotspots written in {Fmt.Seconds(watch.Elapsed)}");

        var query = new UsageQuery(new UsageReader(facts));
        var end = Start.AddHours(hours);
        var finance = new Partner("finance", PartnerRole.Finance, null);
        async Task<int> Query()
        {
            var rows = await query.RunAsync(finance, Payer, Meters.OffloadBytesMeter, UsageWindow.Hour, Start, end, [Meters.Hotspot], ct);
            Int128 sum = rows.Aggregate(Int128.Zero, (s, r) => s + r.Quantity);
            Check(rows.Count == hours * hotspots && sum == expected, $"the query answered {rows.Count} rows summing to {sum}; expected {hours * hotspots} summing to {expected}");
            return rows.Count;
        }

        async Task<int> ReadOnly()
        {
            int buckets = 0;
            for (int shard = 0; shard < Shards; shard++)
            {
                buckets += (await facts.Rollups.ReadAsync(Payer, shard, UsageWindow.Hour, Start, end, ct)).Buckets.Count;
            }

            Check(buckets == Shards * hours, $"read {buckets} rollup rows, wrote {Shards * hours}");
            return buckets;
        }

        await Query(); // warm-up: connections, JIT
        await ReadOnly();
        var querySamples = new List<Footprint>();
        var readSamples = new List<Footprint>();
        for (int round = 0; round < Rounds; round++)
        {
            querySamples.Add(await MeasureAsync(Query));
            readSamples.Add(await MeasureAsync(ReadOnly));
            log($"usage: round {round + 1}/{Rounds}: query {Fmt.MiB(querySamples[^1].Allocated)} allocated, +{Fmt.MiB(querySamples[^1].Growth)} heap; read alone {Fmt.MiB(readSamples[^1].Allocated)}");
        }

        long queryAllocated = Median(querySamples.Select(s => s.Allocated));
        long readAllocated = Median(readSamples.Select(s => s.Allocated));
        long queryGrowth = Median(querySamples.Select(s => s.Growth));
        long readGrowth = Median(readSamples.Select(s => s.Growth));
        int answerRows = hours * hotspots;
        string shape = $"{Fmt.Int(answerRows)} rows (hour × hotspot, {hours} hours × {hotspots} hotspots), every row in each of {Shards} shards";
        result.Rows.Add(new Row(
            "6a. usage query near the cap: bytes allocated",
            Fmt.MiB(queryAllocated),
            $"{Fmt.MiB(readAllocated)} (rollup rows read alone)",
            (double)queryAllocated / readAllocated,
            "report",
            null,
            $"{shape}; GC.GetTotalAllocatedBytes per query, median of {Rounds}; {queryAllocated / answerRows:N0} B per answer row"));
        result.Rows.Add(new Row(
            "6b. usage query near the cap: heap growth",
            Fmt.MiB(queryGrowth),
            $"{Fmt.MiB(readGrowth)} (rollup rows read alone)",
            readGrowth > 0 ? (double)queryGrowth / readGrowth : null,
            "report",
            null,
            $"{shape}; peak managed heap as garbage collections left it, above the settled heap, median of {Rounds}"));
        var f = result.Figures;
        f["answerRows"] = answerRows;
        f["shards"] = Shards;
        f["queryAllocatedBytes"] = queryAllocated;
        f["readAllocatedBytes"] = readAllocated;
        f["queryHeapGrowthBytes"] = queryGrowth;
        f["readHeapGrowthBytes"] = readGrowth;
        return result;
    }

    /// <summary>
    /// Bytes allocated by <paramref name="body"/>, and how far the managed heap grew above the settled one while it ran,
    /// as each garbage collection left it (<see cref="GCMemoryInfo.HeapSizeBytes"/>, polled every millisecond: what was
    /// still referenced, not the garbage of reading).
    /// </summary>
    private static async Task<Footprint> MeasureAsync(Func<Task<int>> body)
    {
        WorkingSetSampler.Settle();
        long settled = GC.GetGCMemoryInfo().HeapSizeBytes;
        long peak = settled;
        using var stop = new CancellationTokenSource();
        var poll = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetGCMemoryInfo().HeapSizeBytes);
                await Task.Delay(1, CancellationToken.None);
            }
        }, CancellationToken.None);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await body();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        await stop.CancelAsync();
        await poll;
        return new Footprint(allocated, Math.Max(0, peak - settled));
    }

    private sealed record Footprint(long Allocated, long Growth);

    /// <summary>
    /// An hour rollup row per shard and hour, each with every hotspot (quantity 1,000 + shard + hotspot); returns the sum
    /// of them all, what every answer must add up to.
    /// </summary>
    private static async Task<Int128> InsertAsync(TableClient table, int hotspots, int hours, CancellationToken ct)
    {
        var batches = new List<List<TableTransactionAction>>();
        Int128 total = 0;
        for (int shard = 0; shard < Shards; shard++)
        {
            string pk = FactStore.ShardPartitionKey(Payer, shard);
            for (int hour = 0; hour < hours; hour++)
            {
                var bucket = RollupBucket.Empty(UsageWindow.Hour, Start.AddHours(hour));
                for (int h = 0; h < hotspots; h++)
                {
                    string hotspot = "hs-" + h.ToString("D5", CultureInfo.InvariantCulture);
                    bucket.Add(RollupKey.Of(Meters.OffloadBytesMeter, Payer, d => d == Meters.Hotspot ? hotspot : "wlan"), 1_000 + shard + h);
                    total += 1_000 + shard + h;
                }

                var entity = RollupCodec.ToEntity(pk, bucket);
                Check(bucket.Detail == RollupDetail.Fine, "a generated hour row did not stay fine");
                if (hour % 100 == 0)
                {
                    batches.Add([]);
                }

                batches[^1].Add(new TableTransactionAction(TableTransactionActionType.Add, entity));
            }
        }

        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (batch, token) =>
            await table.SubmitTransactionAsync(batch, token));
        return total;
    }

    private static long Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
