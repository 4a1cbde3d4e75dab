using Billing.Application.Metering;
using Billing.Application.Partners;
using Billing.Functions.Metering;

namespace Billing.Benchmarks.Benchmarks;

/// <summary>
/// Benchmark 2 — end to end on Azurite. The candidate is the metering handler in process: the exact payload the Functions
/// host POSTs for an eventHubTrigger (cardinality many, dataType string; Data and Metadata values JSON-encoded a second
/// time), parsed with <see cref="InvocationRequest.Parse"/> and metered by <see cref="MeteringService.MeterAsync"/> with
/// the real FactStore/QuarantineStore/PartnerDirectory, facts written to Azurite. Batches of host.json's
/// maxEventBatchSize (1,000) events, one batch at a time (one partition reader). The floor: the same number of entities (2 per event,
/// the same properties) inserted with raw Azure.Data.Tables transactions of 100 rows, grouped by the same partition
/// keys per batch and written with the same parallelism (StorageOptions.MaxParallelWrites).
/// </summary>
public static class EndToEnd
{
    /// <summary>The batch size the app is configured for: functions/Billing.Functions/host.json extensions.eventHubs.maxEventBatchSize.</summary>
    public static readonly int HostBatchSize = ReadHostBatchSize();

    private static int ReadHostBatchSize()
    {
        string hostJson = Path.Combine(Billing.Tests.Shared.RepositoryRoot.Path, "functions", "Billing.Functions", "host.json");
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(hostJson));
        return doc.RootElement.GetProperty("extensions").GetProperty("eventHubs").GetProperty("maxEventBatchSize").GetInt32();
    }
    private const string Hub = "carrier-offload";

    // List prices assumed (USD, pay-as-you-go; from issue 7, not fetched live): Table Storage Standard LRS transactions
    // $0.00036 per 10,000; Event Hubs Standard ingress $0.028 per million events. Money is decimal, never floating point.
    public const decimal TablePricePer10kTransactions = 0.00036m;
    public const decimal EventHubsIngressPerMillion = 0.028m;
    public const string PriceAssumption = "list prices assumed as of 2025 (issue 7; not fetched live): Table Storage Standard LRS $0.00036/10k transactions, Event Hubs Standard ingress $0.028/1M events; throughput units, capacity and Functions compute excluded";

    /// <param name="storageCpu">CPU time the storage emulator has used so far: work per event that the machine's load does not blur.</param>
    public static async Task<BenchmarkResult> RunAsync(BenchOptions options, string connectionString, Func<TimeSpan> storageCpu, Action<string> log, CancellationToken ct)
    {
        var result = new BenchmarkResult("e2e");
        int rounds = options.Quick ? 2 : 5;
        int batchesPerRound = options.Quick ? 2 : 8;
        int eventsPerRound = batchesPerRound * HostBatchSize;

        var counter = new RequestCounter();
        var service = new TableServiceClient(connectionString, counter.Options());
        var storage = new StorageOptions { ConnectionString = connectionString, TablePrefix = AzuriteFixture.UniquePrefix() };
        var tables = new BillingTables(service, storage);
        await tables.EnsureCreatedAsync(ct);
        var rawTable = service.GetTableClient(storage.TablePrefix + "rawfacts");
        await rawTable.CreateIfNotExistsAsync(ct);

        var partnerStore = new PartnerStore(tables);
        foreach (var partner in SampleUsage.Partners)
        {
            await partnerStore.UpsertAsync(new PartnerRegistration(partner, "bench-" + partner.Id + "-key"), ct);
        }

        var factStore = new FactStore(tables);
        var partners = new PartnerDirectory(partnerStore, Options.Create(new PartnerOptions()), TimeProvider.System, NullLogger<PartnerDirectory>.Instance);
        var plans = Plans.Load();
        var metering = new MeteringService(new UsageEventValidator(partners, plans), factStore, new QuarantineStore(tables), partners,
            TimeProvider.System, new MeteringLag(TimeProvider.System, Options.Create(new MeteringOptions()), NullLogger<MeteringLag>.Instance), NullLogger<MeteringService>.Instance);

        var usage = new SampleUsage(seed: 11, hotspots: options.E2eHotspots ?? 256);
        long sequence = 0;
        int nextId = 0;

        // One host batch of single-payer carrier events, as raw event strings.
        List<string> NewBatch(string prefix)
        {
            var now = DateTimeOffset.UtcNow;
            var batch = new List<string>(HostBatchSize);
            for (int i = 0; i < HostBatchSize; i++)
            {
                batch.Add(usage.CarrierEvent($"{prefix}-{Interlocked.Increment(ref nextId):D9}", now.AddSeconds(-60 - (i % 3600))));
            }

            return batch;
        }

        long totalTransactions = 0, totalInserted = 0, totalQuarantined = 0, rawTransactions = 0, requestBatches = 0, requestOthers = 0, requestBatchBytes = 0, rawBatchBytes = 0;
        CpuTime cpu = new(storageCpu), rawCpu = new(storageCpu); // measured rounds only


        async Task<Sample> Candidate(int round, bool record)
        {
            var payloads = Enumerable.Range(0, batchesPerRound).Select(_ => Encoding.UTF8.GetBytes(HostPayload(NewBatch("m"), ref sequence))).ToList();
            long batchesBefore = counter.Batches, othersBefore = counter.Others, bytesBefore = counter.BatchBytes;
            var cpuBefore = cpu.Now();
            long start = Stopwatch.GetTimestamp();
            long tx = 0, inserted = 0, quarantined = 0;
            foreach (var payload in payloads)
            {
                using var invocation = InvocationRequest.Parse(payload);
                var summary = await metering.MeterAsync(Hub, EventTypes.CarrierOffloadV1, MeteringBatchReader.Read(invocation), ct);
                tx += summary.Transactions;
                inserted += summary.Inserted;
                quarantined += summary.Quarantined;
            }

            var elapsed = Stopwatch.GetElapsedTime(start);
            if (inserted != (long)payloads.Count * HostBatchSize)
            {
                throw new InvalidOperationException($"metering inserted {inserted} of {payloads.Count * HostBatchSize} events ({quarantined} quarantined)");
            }

            if (record)
            {
                requestBatches += counter.Batches - batchesBefore;
                requestOthers += counter.Others - othersBefore;
                requestBatchBytes += counter.BatchBytes - bytesBefore;
                cpu.AddSince(cpuBefore);
                totalTransactions += tx;
                totalInserted += inserted;
                totalQuarantined += quarantined;
            }

            return new Sample(inserted, elapsed);
        }

        async Task<Sample> Baseline(int round, bool record)
        {
            // Entities built up front: the floor is the storage round trips alone.
            var batches = Enumerable.Range(0, batchesPerRound).Select(_ => RawChunks(factStore, NewBatch("r"))).ToList();
            long bytesBefore = counter.BatchBytes;
            var cpuBefore = rawCpu.Now();
            long start = Stopwatch.GetTimestamp();
            long tx = 0;
            foreach (var chunks in batches)
            {
                await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = storage.MaxParallelWrites, CancellationToken = ct },
                    async (chunk, c) => await rawTable.SubmitTransactionAsync(chunk, c));
                tx += chunks.Count;
            }

            var elapsed = Stopwatch.GetElapsedTime(start);
            if (record)
            {
                rawTransactions += tx;
                rawBatchBytes += counter.BatchBytes - bytesBefore;
                rawCpu.AddSince(cpuBefore);
            }

            return new Sample((long)batchesPerRound * HostBatchSize, elapsed);
        }

        // Warm-up: connections, the partner snapshot, JIT.
        await Candidate(-1, record: false);
        await Baseline(-1, record: false);

        var comparison = await Comparison.RunAsync(rounds, r => Candidate(r, true), r => Baseline(r, true), log, "e2e");

        double txPer1000 = totalInserted == 0 ? 0 : totalTransactions * 1000.0 / totalInserted;
        double rawTxPer1000 = comparison.Rounds == 0 ? 0 : rawTransactions * 1000.0 / ((long)comparison.Rounds * eventsPerRound);
        // Cost per million events, in decimal: transactions per million × price per transaction + Event Hubs ingress.
        decimal txPerMillion = totalInserted == 0 ? 0 : decimal.Round((decimal)totalTransactions * 1_000_000m / totalInserted, 1);
        decimal tableCost = txPerMillion * TablePricePer10kTransactions / 10_000m;
        decimal totalCost = tableCost + EventHubsIngressPerMillion;

        result.Rows.Add(comparison.RateRow(
            "2. end to end metering (Azurite)",
            "events",
            minRatio: 0.8,
            $"host payload → InvocationRequest.Parse → MeteringService.MeterAsync, in process, vs raw 100-row transactions (same rows, PKs, parallelism); {batchesPerRound}×{HostBatchSize} events/round, median of {rounds} ABBA rounds (range {comparison.MinRatio:0.00}–{comparison.MaxRatio:0.00})"));
        result.Rows.Add(new Row(
            "2. table transactions / 1,000 events",
            Fmt.Num(txPer1000, "0.0"),
            Fmt.Num(rawTxPer1000, "0.0"),
            null,
            "≤ 30",
            txPer1000 <= 30,
            $"AppendResult.Transactions (facts and their rollup rows in the same transactions, docs/design.md §6), single payer, {storage.FactShards} shards, {HostBatchSize}-event batches; what-if (≤ 50 events/tx, before rollups): {WhatIf(1024, storage.FactShards):0.0} at 1024-event batches, {WhatIf(HostBatchSize, 4):0.0} with 4 shards"));
        // A figure reported beside the floor's, without a target.
        static Row Report(string benchmark, string measured, string baseline, string notes) => new(benchmark, measured, baseline, null, "report", null, notes);
        double batchesPer1000 = totalInserted == 0 ? 0 : requestBatches * 1000.0 / totalInserted;
        double othersPer1000 = totalInserted == 0 ? 0 : requestOthers * 1000.0 / totalInserted;
        result.Rows.Add(Report(
            "2. storage round trips / 1,000 events",
            Fmt.Num(batchesPer1000 + othersPer1000, "0.0"),
            Fmt.Num(rawTxPer1000, "0.0"),
            $"HTTP requests the candidate sent, counted in the client pipeline: {batchesPer1000:0.0} transactions + {othersPer1000:0.0} reads (partner snapshot, rollup rows and their ETags)"));
        double bytesPerTransaction = requestBatches == 0 ? 0 : (double)requestBatchBytes / requestBatches;
        double rawBytesPerTransaction = rawTransactions == 0 ? 0 : (double)rawBatchBytes / rawTransactions;
        result.Rows.Add(Report(
            "2. bytes / transaction",
            Fmt.Num(bytesPerTransaction, "0"),
            Fmt.Num(rawBytesPerTransaction, "0"),
            $"request bodies of the candidate's transactions (facts and their rollup rows, docs/design.md §6), {Fmt.Num(totalInserted == 0 ? 0 : (double)requestBatchBytes / totalInserted, "0")} bytes per event"));
        long rawEvents = (long)comparison.Rounds * eventsPerRound;
        double Ms(TimeSpan t, long events) => CpuTime.MsPerThousand(t, events);
        result.Rows.Add(Report(
            "2. CPU ms / 1,000 events",
            Fmt.Num(Ms(cpu.Process + cpu.Storage, totalInserted), "0"),
            Fmt.Num(Ms(rawCpu.Process + rawCpu.Storage, rawEvents), "0"),
            $"CPU time of this process and of Azurite during the measured rounds (less blurred by the machine's load than the rates): metering {Ms(cpu.Process, totalInserted):0} + Azurite {Ms(cpu.Storage, totalInserted):0}; raw {Ms(rawCpu.Process, rawEvents):0} + Azurite {Ms(rawCpu.Storage, rawEvents):0}"));
        result.Figures["cpuMsPer1000Events"] = new JsonObject
        {
            ["process"] = Fmt.Round(Ms(cpu.Process, totalInserted), 1),
            ["storage"] = Fmt.Round(Ms(cpu.Storage, totalInserted), 1),
            ["rawProcess"] = Fmt.Round(Ms(rawCpu.Process, rawEvents), 1),
            ["rawStorage"] = Fmt.Round(Ms(rawCpu.Storage, rawEvents), 1),
        };
        result.Figures["bytesPerTransaction"] = Fmt.Round(bytesPerTransaction, 0);
        result.Figures["rawBytesPerTransaction"] = Fmt.Round(rawBytesPerTransaction, 0);
        result.Figures["requestsPer1000Events"] = new JsonObject
        {
            ["transactions"] = Fmt.Round(batchesPer1000, 2),
            ["other"] = Fmt.Round(othersPer1000, 2),
        };
        result.Figures["whatIfTransactionsPer1000Events"] = new JsonObject
        {
            ["batch512Shards8"] = Fmt.Round(WhatIf(512, 8), 2),
            ["batchHostShards8"] = Fmt.Round(WhatIf(HostBatchSize, 8), 2),
            ["batch1024Shards8"] = Fmt.Round(WhatIf(1024, 8), 2),
            ["batch512Shards4"] = Fmt.Round(WhatIf(512, 4), 2),
            ["batch2048Shards8"] = Fmt.Round(WhatIf(2048, 8), 2),
        };
        result.Rows.Add(new Row(
            "2. Azure cost / 1M events",
            "$" + totalCost.ToString("0.000000", CultureInfo.InvariantCulture),
            "—",
            null,
            "report",
            null,
            $"tables ${tableCost.ToString("0.000000", CultureInfo.InvariantCulture)} ({txPerMillion.ToString("N0", CultureInfo.InvariantCulture)} tx) + Event Hubs ingress ${EventHubsIngressPerMillion.ToString("0.000", CultureInfo.InvariantCulture)} (prices: see footnote)"));
        result.Footnotes.Add("Azure cost: " + PriceAssumption + ".");

        result.Figures["mode"] = "in-process: InvocationRequest.Parse + MeteringService.MeterAsync on the exact eventHubTrigger payload";
        result.Figures["hostBatchSize"] = HostBatchSize;
        result.Figures["hotspots"] = options.E2eHotspots ?? 256;
        result.Figures["batchesPerRound"] = batchesPerRound;
        result.Figures["rounds"] = rounds;
        result.Figures["factShards"] = storage.FactShards;
        result.Figures["maxParallelWrites"] = storage.MaxParallelWrites;
        result.Figures["eventsPerSecond"] = Fmt.Round(comparison.CandidateRate, 1);
        result.Figures["rawEventsPerSecond"] = Fmt.Round(comparison.BaselineRate, 1);
        comparison.AddRatioFigures(result.Figures, minRatio: 0.8);
        result.Figures["eventsMetered"] = totalInserted;
        result.Figures["quarantined"] = totalQuarantined;
        result.Figures["transactions"] = totalTransactions;
        result.Figures["transactionsPer1000Events"] = Fmt.Round(txPer1000, 2);
        result.Figures["rawTransactionsPer1000Events"] = Fmt.Round(rawTxPer1000, 2);
        result.Figures["transactionsTarget"] = 30;
        result.Figures["transactionsPass"] = txPer1000 <= 30;
        result.Figures["cost"] = new JsonObject
        {
            ["currency"] = "USD",
            ["perMillionEvents"] = totalCost,
            ["tableStoragePerMillionEvents"] = tableCost,
            ["eventHubsIngressPerMillionEvents"] = EventHubsIngressPerMillion,
            ["tableTransactionsPerMillionEvents"] = txPerMillion,
            ["tablePricePer10kTransactions"] = TablePricePer10kTransactions,
            ["eventHubsIngressPricePerMillion"] = EventHubsIngressPerMillion,
            ["assumption"] = PriceAssumption,
        };
        result.Figures["perRound"] = MeteringHotPath.PerRound(comparison);
        return result;
    }

    /// <summary>
    /// Transactions per 1,000 single-payer events for another batch size or shard count, computed with FactStore's own
    /// shard hash over 64 batches of ids (no storage): Σ over shards of ⌈events in shard / 50⌉, per batch.
    /// </summary>
    private static double WhatIf(int batchSize, int shards)
    {
        long transactions = 0;
        const int Batches = 64;
        for (int b = 0; b < Batches; b++)
        {
            var perShard = new int[shards];
            for (int i = 0; i < batchSize; i++)
            {
                perShard[FactStore.StableHash(SampleUsage.Carrier, $"w-{b}-{i:D9}") % (uint)shards]++;
            }

            transactions += perShard.Sum(n => (n + 49) / 50);
        }

        return transactions * 1000.0 / ((long)Batches * batchSize);
    }

    /// <summary>
    /// The body the Functions host POSTs to /MeterCarrierOffload: <c>Data.events</c> is a JSON string holding an array of
    /// the event strings, and every Metadata value except <c>sys</c> is a JSON string too (docs/design.md §4.3).
    /// </summary>
    public static string HostPayload(IReadOnlyList<string> events, ref long sequence)
    {
        var enqueued = DateTimeOffset.UtcNow.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        var bodies = new JsonArray();
        var sequences = new JsonArray();
        var offsets = new JsonArray();
        var times = new JsonArray();
        var keys = new JsonArray();
        var properties = new JsonArray();
        var system = new JsonArray();
        foreach (var body in events)
        {
            long seq = sequence++;
            string offset = (seq * 1024).ToString(CultureInfo.InvariantCulture);
            bodies.Add(JsonValue.Create(body));
            sequences.Add(JsonValue.Create(seq));
            offsets.Add(JsonValue.Create(offset));
            times.Add(JsonValue.Create(enqueued));
            keys.Add(JsonValue.Create(SampleUsage.Carrier));
            properties.Add(new JsonObject());
            system.Add(new JsonObject
            {
                ["x-opt-sequence-number"] = seq,
                ["x-opt-offset"] = offset,
                ["x-opt-enqueued-time"] = enqueued,
                ["x-opt-partition-key"] = SampleUsage.Carrier,
                ["SequenceNumber"] = seq,
                ["Offset"] = offset,
                ["PartitionKey"] = SampleUsage.Carrier,
                ["EnqueuedTimeUtc"] = enqueued,
            });
        }

        var partitionContext = new JsonObject
        {
            ["FullyQualifiedNamespace"] = "bench.servicebus.windows.net",
            ["EventHubName"] = Hub,
            ["ConsumerGroup"] = "$Default",
            ["PartitionId"] = "0",
        };
        return new JsonObject
        {
            ["Data"] = new JsonObject { ["events"] = bodies.ToJsonString() },
            ["Metadata"] = new JsonObject
            {
                ["PartitionContext"] = partitionContext.ToJsonString(),
                ["PartitionKeyArray"] = keys.ToJsonString(),
                ["OffsetArray"] = offsets.ToJsonString(),
                ["SequenceNumberArray"] = sequences.ToJsonString(),
                ["EnqueuedTimeUtcArray"] = times.ToJsonString(),
                ["PropertiesArray"] = properties.ToJsonString(),
                ["SystemPropertiesArray"] = system.ToJsonString(),
                ["sys"] = new JsonObject
                {
                    ["MethodName"] = "MeterCarrierOffload",
                    ["UtcNow"] = enqueued,
                    ["RandomGuid"] = Guid.NewGuid().ToString(),
                },
            },
        }.ToJsonString();
    }

    /// <summary>The floor's transactions for one batch: the two rows per event FactStore writes, grouped by its partition key, 100 rows each.</summary>
    private static List<List<TableTransactionAction>> RawChunks(FactStore keys, List<string> batch)
    {
        var chunks = new List<List<TableTransactionAction>>();
        foreach (var group in batch.Select(Minimal.Parse).GroupBy(e => keys.PartitionKey(e.Payer, e.Source, e.Id)))
        {
            foreach (var events in group.Chunk(50))
            {
                var actions = new List<TableTransactionAction>(events.Length * 2);
                foreach (var e in events)
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(group.Key, FactStore.IdentityRowKey(e.Source, e.Id))
                    {
                        ["Hash"] = e.Hash,
                        ["Time"] = e.Time,
                        ["Raw"] = e.Raw,
                    }));
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(group.Key, FactStore.TimeRowKey(e.Time, e.Source, e.Id))
                    {
                        ["Source"] = e.Source,
                        ["EventId"] = e.Id,
                        ["Payer"] = e.Payer,
                        ["Type"] = EventTypes.CarrierOffloadV1,
                        ["Time"] = e.Time,
                        ["Hash"] = e.Hash,
                        ["Hotspot"] = e.Hotspot,
                        ["Rat"] = e.Rat,
                        ["Bytes"] = e.Bytes,
                    }));
                }

                chunks.Add(actions);
            }
        }

        return chunks;
    }

    /// <summary>What the floor stores per event, read without validation.</summary>
    private sealed record Minimal(string Source, string Id, string Payer, DateTimeOffset Time, string Hash, string Hotspot, string Rat, long Bytes, string Raw)
    {
        public static Minimal Parse(string raw)
        {
            var e = System.Text.Json.JsonSerializer.Deserialize(raw, RawJson.Default.RawCloudEvent)!;
            var d = e.Data!;
            return new Minimal(e.Source!, e.Id!, e.Source!, e.Time, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(raw))),
                d.HotspotId!, d.RadioAccessTechnology!, d.RewardableBytes ?? 0, raw);
        }
    }
}
