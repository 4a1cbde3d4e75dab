using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Azure.Data.Tables;
using Billing.Benchmarks.Harness;
using Billing.Benchmarks.Workload;
using Billing.Domain;
using Billing.Domain.Events;
using Billing.Domain.Metering;
using Billing.Domain.Partners;
using Billing.Domain.Pricing;
using Billing.Application.Invoicing;
using Billing.Application.Rollups;
using Billing.Application.Usage;
using Billing.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Billing.Benchmarks.Benchmarks;

/// <summary>
/// Benchmark 3 — period close for one payer with N facts (default 1,000,000; <c>--close-facts N</c>). The facts are first
/// inserted with raw 100-row transactions in FactStore's real layout (partition <c>{payer}|{shard}</c>, time-ordered row
/// key, the same properties), time rows only: the identity rows are never read by a close. The candidate is invoice
/// generation minus its few point reads/writes: <see cref="PeriodCloser.AccumulateAsync"/> (FactStore.QueryAsync, 8 shards in
/// parallel, streamed into a UsageAccumulator) + RatingEngine.Rate; the floor is a raw TableClient.QueryAsync over the
/// same partitions and row-key range (8 in parallel) that only counts and sums. Peak working set is sampled every 5 ms
/// during each pass, after a full blocking GC. A full CloseAsync (invoice stored) runs once at the end as a check.
/// </summary>
public static class PeriodClose
{
    private const string Payer = SampleUsage.Carrier;
    private const long WorkingSetTargetBytes = 512L * 1024 * 1024;

    public static async Task<BenchmarkResult> RunAsync(BenchOptions options, string connectionString, Action<string> log, CancellationToken ct)
    {
        var result = new BenchmarkResult("close");
        int requested = options.CloseFacts ?? (options.Quick ? 20_000 : 1_000_000);
        var insertBudget = TimeSpan.FromSeconds(options.CloseInsertBudgetSeconds ?? (options.Quick ? 20 : 75));

        var service = new TableServiceClient(connectionString);
        var storage = new StorageOptions { ConnectionString = connectionString, TablePrefix = AzuriteFixture.UniquePrefix() };
        var tables = new BillingTables(service, storage);
        await tables.EnsureCreatedAsync(ct);
        var partnerStore = new PartnerStore(tables);
        await partnerStore.UpsertAsync(new PartnerRegistration(SampleUsage.Partners[0], "bench-carrier-key"), ct); // the one payer
        var facts = new FactStore(tables);
        var plans = Plans.Load();
        var plan = plans.Get(SampleUsage.Partners[0].PlanId!);
        var period = BillingPeriod.Containing(DateTimeOffset.UtcNow).Previous;
        var closer = new PeriodCloser(facts, new InvoiceStore(tables), partnerStore, plans, InvoiceFinalization.None, TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new InvoicingOptions()), NullLogger<PeriodCloser>.Instance);

        // 1. Insert (measured, not compared).
        var insert = Stopwatch.StartNew();
        var (factCount, expectedBytes) = await InsertAsync(tables.Facts, facts, storage.FactShards, requested, insertBudget, period, log, ct);
        insert.Stop();
        int rounds = options.CloseRounds ?? (options.Quick ? 2 : factCount > 300_000 ? 1 : 2);
        bool budgetHit = factCount < requested;
        double insertRate = factCount / insert.Elapsed.TotalSeconds;
        log($"close: inserted {Fmt.Int(factCount)} facts in {Fmt.Seconds(insert.Elapsed)} ({Fmt.Rate(insertRate)} facts/s)");

        // 1b. The raw insert writes time rows only: build the month's rollups from them, as `billing rollups rebuild` does.
        var rebuildWatch = Stopwatch.StartNew();
        var rebuilt = await new RollupMaintenance(facts).RebuildAsync(Payer, period, ct);
        rebuildWatch.Stop();
        log($"close: rollups rebuilt from {Fmt.Int(rebuilt.Facts)} facts in {Fmt.Seconds(rebuildWatch.Elapsed)} ({rebuilt.Buckets} buckets)");

        // 2. Scan: candidate vs raw, interleaved.
        long candidatePeak = 0, baselinePeak = 0, candidateStartWs = long.MaxValue;
        async Task<Sample> Candidate(int round)
        {
            WorkingSetSampler.Settle();
            using var sampler = new WorkingSetSampler(TimeSpan.FromMilliseconds(5));
            candidateStartWs = Math.Min(candidateStartWs, sampler.Current());
            long start = Stopwatch.GetTimestamp();
            var usage = await closer.AccumulateAsync(plan, Payer, period, ct);
            var draft = RatingEngine.Rate(plan, Payer, period, usage);
            var elapsed = Stopwatch.GetElapsedTime(start);
            long bytes = (long)usage.Groups().Where(g => g.Meter == Meters.OffloadBytes).Aggregate(Int128.Zero, (sum, g) => sum + g.Quantity);
            if (bytes != expectedBytes || draft.Lines.Count == 0)
            {
                throw new InvalidOperationException($"close accumulated {bytes} bytes, expected {expectedBytes}");
            }

            sampler.Dispose();
            candidatePeak = Math.Max(candidatePeak, sampler.PeakBytes);
            return new Sample(factCount, elapsed);
        }

        async Task<Sample> Baseline(int round)
        {
            WorkingSetSampler.Settle();
            using var sampler = new WorkingSetSampler(TimeSpan.FromMilliseconds(5));
            long start = Stopwatch.GetTimestamp();
            var (count, bytes) = await RawScanAsync(tables.Facts, storage.FactShards, period, ct);
            var elapsed = Stopwatch.GetElapsedTime(start);
            if (count != factCount || bytes != expectedBytes)
            {
                throw new InvalidOperationException($"raw scan read {count} facts / {bytes} bytes, expected {factCount} / {expectedBytes}");
            }

            sampler.Dispose();
            baselinePeak = Math.Max(baselinePeak, sampler.PeakBytes);
            return new Sample(count, elapsed);
        }

        var comparison = await Comparison.RunAsync(rounds, Candidate, Baseline, log, "close");

        // 2b. The month usage query from rollups, against the raw scan rate measured above (not scanned again).
        var reader = new UsageReader(facts);
        var queryTimes = new List<TimeSpan>();
        for (int i = 0; i < 5; i++)
        {
            long start = Stopwatch.GetTimestamp();
            var rows = await reader.ReadAsync(Payer, Meters.OffloadBytesMeter, UsageWindow.Month, period.Start, period.End, [], null, ct);
            queryTimes.Add(Stopwatch.GetElapsedTime(start));
            if ((long)rows.Aggregate(Int128.Zero, (sum, r) => sum + r.Quantity) != expectedBytes)
            {
                throw new InvalidOperationException("the month query from rollups does not match the facts");
            }
        }

        var queryMedian = queryTimes.Order().ElementAt(queryTimes.Count / 2);
        double queryRate = factCount / queryMedian.TotalSeconds;
        double queryRatio = queryRate / comparison.BaselineRate;
        result.Rows.Add(new Row(
            "3b. month usage query (rollups)",
            $"{Fmt.Rate(queryRate)} facts/s ({queryMedian.TotalMilliseconds:0} ms)",
            $"{Fmt.Rate(comparison.BaselineRate)} facts/s (raw scan)",
            queryRatio,
            "≥ 50.00",
            queryRatio >= 50,
            $"GET /api/v1/usage's reader, window=month, median of 5; rollups rebuilt in {Fmt.Seconds(rebuildWatch.Elapsed)}"));
        result.Figures["monthQueryMs"] = Fmt.Round(queryMedian.TotalMilliseconds, 1);
        result.Figures["monthQueryRatio"] = Fmt.Round(queryRatio);
        result.Figures["rollupRebuildSeconds"] = Fmt.Round(rebuildWatch.Elapsed.TotalSeconds, 1);

        // 3. The real thing once: CloseAsync stores the finalized invoice.
        var closeWatch = Stopwatch.StartNew();
        var invoices = (await closer.CloseAsync(period, force: true, ct)).Invoices;
        closeWatch.Stop();
        var invoice = invoices.Single(i => i.Payer == Payer);
        long processPeak = Process.GetCurrentProcess().PeakWorkingSet64;

        double ratio = comparison.Ratio;
        bool wsPass = candidatePeak < WorkingSetTargetBytes;
        string scaled = budgetHit
            ? $" (insert budget {insertBudget.TotalSeconds:0} s reached before {Fmt.Int(requested)}; --close-insert-budget)"
            : factCount == 1_000_000 ? "" : " (--close-facts; the issue asks 1,000,000)";
        result.Rows.Add(comparison.RateRow(
            "3. period close (rollups) vs raw fact scan",
            "facts",
            minRatio: 20,
            $"{Fmt.Int(factCount)} facts{scaled}: PeriodCloser.AccumulateAsync (month rollups) + RatingEngine.Rate vs raw QueryAsync, same 8 partitions; median of {rounds} ABBA round(s); raw insert {Fmt.Seconds(insert.Elapsed)} ({Fmt.Rate(insertRate)}/s); CloseAsync {Fmt.Seconds(closeWatch.Elapsed)} → {invoice.Id} {invoice.Total}"));
        result.Rows.Add(new Row(
            "3. period close peak working set",
            Fmt.MiB(candidatePeak),
            Fmt.MiB(baselinePeak),
            baselinePeak > 0 ? (double)candidatePeak / baselinePeak : null,
            "< 512 MiB",
            wsPass,
            $"whole-process working set, sampled every 5 ms during each pass (at start {Fmt.MiB(candidateStartWs)}); PeakWorkingSet64 of the whole run {Fmt.MiB(processPeak)}"));

        result.Figures["facts"] = factCount;
        result.Figures["factsRequested"] = requested;
        result.Figures["insertBudgetSeconds"] = insertBudget.TotalSeconds;
        result.Figures["insertBudgetReached"] = budgetHit;
        result.Figures["rounds"] = rounds;
        result.Figures["period"] = period.ToString();
        result.Figures["insertSeconds"] = Fmt.Round(insert.Elapsed.TotalSeconds, 1);
        result.Figures["insertFactsPerSecond"] = Fmt.Round(insertRate, 0);
        result.Figures["factsPerSecond"] = Fmt.Round(comparison.CandidateRate, 0);
        result.Figures["rawFactsPerSecond"] = Fmt.Round(comparison.BaselineRate, 0);
        result.Figures["ratio"] = Fmt.Round(ratio);
        result.Figures["peakWorkingSetBytes"] = candidatePeak;
        result.Figures["rawPeakWorkingSetBytes"] = baselinePeak;
        result.Figures["workingSetAtStartBytes"] = candidateStartWs;
        result.Figures["processPeakWorkingSetBytes"] = processPeak;
        result.Figures["workingSetTargetBytes"] = WorkingSetTargetBytes;
        result.Figures["workingSetPass"] = wsPass;
        result.Figures["closeAsyncSeconds"] = Fmt.Round(closeWatch.Elapsed.TotalSeconds, 2);
        result.Figures["invoiceId"] = invoice.Id.ToString();
        result.Figures["invoiceTotal"] = invoice.Total.ToString();
        result.Figures["perRound"] = MeteringHotPath.PerRound(comparison);
        return result;
    }

    /// <summary>
    /// Raw 100-row transactions of time rows, shard by shard, 8 writers, until <paramref name="count"/> facts or the time
    /// budget (Azurite's in-memory inserts slow down as the table grows); returns the facts written and their byte sum.
    /// </summary>
    private static async Task<(int Count, long Bytes)> InsertAsync(TableClient table, FactStore keys, int shards, int count, TimeSpan budget, BillingPeriod period, Action<string> log, CancellationToken ct)
    {
        var channel = Channel.CreateBounded<List<TableTransactionAction>>(new BoundedChannelOptions(32) { SingleWriter = true });
        long written = 0;
        var progress = Stopwatch.StartNew();
        var writers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await foreach (var batch in channel.Reader.ReadAllAsync(ct))
            {
                await table.SubmitTransactionAsync(batch, ct);
                long done = Interlocked.Add(ref written, batch.Count);
                if (done % 100_000 < batch.Count)
                {
                    log($"close: inserted {Fmt.Int(done)}/{Fmt.Int(count)} facts ({Fmt.Seconds(progress.Elapsed)})");
                }
            }
        }, ct)).ToArray();

        var random = new Random(13);
        var usage = new SampleUsage(seed: 17);
        var buffers = new Dictionary<string, List<TableTransactionAction>>();
        long periodTicks = period.End.UtcTicks - period.Start.UtcTicks;
        long totalBytes = 0;
        int generated = 0;
        try
        {
            for (int i = 0; i < count; i++)
            {
                if (i % 10_000 == 0 && progress.Elapsed > budget)
                {
                    log($"close: insert budget of {budget.TotalSeconds:0} s reached at {Fmt.Int(i)} facts");
                    break;
                }

                generated++;
                string id = "sess-" + i.ToString("D9", CultureInfo.InvariantCulture);
                var time = new DateTimeOffset(period.Start.UtcTicks + random.NextInt64(periodTicks), TimeSpan.Zero);
                time = new DateTimeOffset(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero); // RFC 3339 seconds, as events carry
                long bytes = random.NextInt64(1_000, 500_000_000);
                totalBytes += bytes;
                string pk = keys.PartitionKey(Payer, Payer, id);
                var entity = new TableEntity(pk, FactStore.TimeRowKey(time, Payer, id))
                {
                    ["Source"] = Payer,
                    ["EventId"] = id,
                    ["Payer"] = Payer,
                    ["Type"] = EventTypes.CarrierOffloadV1,
                    ["Time"] = time,
                    ["Hash"] = Convert.ToHexStringLower(System.IO.Hashing.XxHash128.Hash(BitConverter.GetBytes(i))),
                    ["Hotspot"] = usage.Hotspot(random.Next()),
                    ["Rat"] = "wlan",
                    ["Bytes"] = bytes,
                };
                if (!buffers.TryGetValue(pk, out var buffer))
                {
                    buffers[pk] = buffer = new List<TableTransactionAction>(100);
                }

                buffer.Add(new TableTransactionAction(TableTransactionActionType.Add, entity));
                if (buffer.Count == 100)
                {
                    await channel.Writer.WriteAsync(buffer, ct);
                    buffers[pk] = new List<TableTransactionAction>(100);
                }
            }

            foreach (var rest in buffers.Values.Where(b => b.Count > 0))
            {
                await channel.Writer.WriteAsync(rest, ct);
            }
        }
        finally
        {
            channel.Writer.TryComplete();
        }

        await Task.WhenAll(writers);
        if (buffers.Count != shards)
        {
            log($"close: facts landed in {buffers.Count} of {shards} shards");
        }

        return (generated, totalBytes);
    }

    private static async Task<(long Count, long Bytes)> RawScanAsync(TableClient table, int shards, BillingPeriod period, CancellationToken ct)
    {
        long count = 0, bytes = 0;
        string lo = FactStore.TimeRowBound(period.Start);
        string hi = FactStore.TimeRowBound(period.End);
        await Task.WhenAll(Enumerable.Range(0, shards).Select(shard => Task.Run(async () =>
        {
            string pk = FactStore.ShardPartitionKey(Payer, shard);
            string filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {lo} and RowKey lt {hi}");
            long c = 0, b = 0;
            await foreach (var e in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: ct))
            {
                c++;
                b += e.GetInt64("Bytes") ?? 0;
            }

            Interlocked.Add(ref count, c);
            Interlocked.Add(ref bytes, b);
        }, ct)));
        return (count, bytes);
    }
}
