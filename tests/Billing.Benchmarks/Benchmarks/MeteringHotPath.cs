using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Data.Tables;
using Billing.Benchmarks.Harness;
using Billing.Benchmarks.Workload;
using Billing.Domain.Events;
using Billing.Domain.Pricing;
using Billing.Functions.HostProtocol;
using Billing.Storage;

namespace Billing.Benchmarks.Benchmarks;

/// <summary>
/// Benchmark 1 — the metering hot path, single-threaded (events/s per core): for each event, parse and validate its
/// UTF-8 bytes with <see cref="UsageEventValidator.Validate"/> as the metering function does (enqueue time as the
/// reference, no posting partner), compute the fact's partition key and both row keys (<see cref="FactStore"/>), and
/// add it to the payer plan's <see cref="UsageAccumulator"/>. The floor: plain
/// System.Text.Json deserialization of the same bytes into a POCO with the same fields.
/// </summary>
public static class MeteringHotPath
{
    public const int SliceSize = 1024;

    public static BenchmarkResult Run(BenchOptions options, Action<string> log)
    {
        var result = new BenchmarkResult("metering");
        int rounds = options.Quick ? 5 : 11;
        int eventsPerRound = options.Quick ? 8_192 : 65_536;
        const int PoolSize = 4096;

        var now = DateTimeOffset.UtcNow;
        var pool = new SampleUsage(seed: 7).MixedPool(PoolSize, now);
        var plans = Plans.Load();
        var validator = new UsageEventValidator(new StaticPartners(SampleUsage.Partners), plans);
        // No I/O: FactStore only needs the table names and the shard count to compute keys.
        var tables = new BillingTables(new TableServiceClient("UseDevelopmentStorage=true"), new StorageOptions { TablePrefix = "bench" });
        var facts = new FactStore(tables);
        var carrierUsage = new UsageAccumulator(plans.Get("carrier-standard-v1"));
        var computeUsage = new UsageAccumulator(plans.Get("compute-standard-v1"));
        var context = new ValidationContext(now, null);
        long checksum = 0;

        // The variants, cumulative: 0 parse + validate; 1 + keys; 2 + accumulate = the metering path; 3 the floor.
        string[] names = ["validate", "keys", "metering", "raw"];
        void Variant(int variant, int from, int count)
        {
            for (int i = from; i < from + count; i++)
            {
                byte[] raw = pool[i % PoolSize];
                if (variant == 3)
                {
                    checksum += JsonSerializer.Deserialize(raw, RawJson.Default.RawCloudEvent)!.Id!.Length;
                    continue;
                }

                var validated = validator.Validate(raw, context);
                var fact = validated.Fact ?? throw new InvalidOperationException("benchmark event rejected: " + string.Join("; ", validated.Errors));
                if (variant == 0)
                {
                    checksum += fact.Id.Length;
                    continue;
                }

                checksum += facts.PartitionKey(fact.Payer, fact.Source, fact.Id).Length
                    + FactStore.IdentityRowKey(fact.Source, fact.Id).Length + FactStore.TimeRowKey(fact.Time, fact.Source, fact.Id).Length;
                if (variant == 2)
                {
                    (fact.IsCarrier ? carrierUsage : computeUsage).Add(fact);
                }
            }
        }

        var samples = Interleave(names, Variant, PoolSize, rounds, eventsPerRound, options.Quick, (round, last) =>
            log($"metering: round {round + 1}/{rounds}: {Fmt.Rate(last[2].PerSecond)}/s vs {Fmt.Rate(last[3].PerSecond)}/s (ratio {last[2].PerSecond / last[3].PerSecond:0.000})"));

        var comparison = new Comparison();
        comparison.Candidate.AddRange(samples[2]);
        comparison.Baseline.AddRange(samples[3]);
        double Ns(int v) => Comparison.Median(samples[v].Select(x => x.Elapsed.TotalNanoseconds / x.Units));
        double validateNs = Ns(0), keysNs = Ns(1), fullNs = Ns(2), rawNs = Ns(3);
        result.Figures["breakdownNsPerEvent"] = new System.Text.Json.Nodes.JsonObject
        {
            ["parseAndValidate"] = Fmt.Round(validateNs, 0),
            ["partitionAndRowKeys"] = Fmt.Round(keysNs - validateNs, 0),
            ["accumulate"] = Fmt.Round(fullNs - keysNs, 0),
            ["total"] = Fmt.Round(fullNs, 0),
            ["rawDeserialize"] = Fmt.Round(rawNs, 0),
        };
        result.Figures["breakdownBytesPerEvent"] = new System.Text.Json.Nodes.JsonObject
        {
            ["parseAndValidate"] = Fmt.Round(Comparison.Median(samples[0].Select(x => x.BytesPerUnit)), 0),
            ["parseValidateKeys"] = Fmt.Round(Comparison.Median(samples[1].Select(x => x.BytesPerUnit)), 0),
        };
        string breakdown = $"ns/event: parse+validate {validateNs:0} + keys {keysNs - validateNs:0} + accumulate {fullNs - keysNs:0} = {fullNs:0}; floor {rawNs:0}";

        double bytesPerEvent = Comparison.Median(comparison.Candidate.Select(s => s.BytesPerUnit));
        double rawBytesPerEvent = Comparison.Median(comparison.Baseline.Select(s => s.BytesPerUnit));
        double avgEventBytes = pool.Average(p => p.Length);
        result.Rows.Add(comparison.RateRow(
            "1. metering hot path (1 thread)",
            "events",
            minRatio: 0.5,
            $"Validate(UTF-8)+keys+UsageAccumulator vs STJ→POCO, same bytes (avg {avgEventBytes:0} B); median of {rounds} rounds × {Fmt.Int(eventsPerRound)}, interleaved per {SliceSize} (range {comparison.MinRatio:0.00}–{comparison.MaxRatio:0.00})"));
        result.Rows.Add(new Row(
            "1. metering allocations",
            $"{bytesPerEvent:0} B/event",
            $"{rawBytesPerEvent:0} B/event",
            rawBytesPerEvent > 0 ? bytesPerEvent / rawBytesPerEvent : null,
            "report",
            null,
            $"GC.GetAllocatedBytesForCurrentThread per event, median round (ratio = multiple of the floor); {breakdown}"));

        result.Figures["rounds"] = rounds;
        result.Figures["eventsPerRound"] = eventsPerRound;
        result.Figures["eventPool"] = PoolSize;
        result.Figures["averageEventBytes"] = Fmt.Round(avgEventBytes, 1);
        result.Figures["eventsPerSecond"] = Fmt.Round(comparison.CandidateRate, 0);
        result.Figures["rawEventsPerSecond"] = Fmt.Round(comparison.BaselineRate, 0);
        comparison.AddRatioFigures(result.Figures, minRatio: 0.5);
        result.Figures["bytesAllocatedPerEvent"] = Fmt.Round(bytesPerEvent, 0);
        result.Figures["rawBytesAllocatedPerEvent"] = Fmt.Round(rawBytesPerEvent, 0);
        result.Figures["perRound"] = PerRound(comparison);
        result.Figures["checksum"] = checksum;
        result.Figures["groups"] = carrierUsage.GroupCount + computeUsage.GroupCount;
        DeclaredMeteringPath.Run(options, log, result, now, plans, facts);
        return result;
    }

    /// <summary>
    /// Runs every variant over the same events: a warm-up by time, then <paramref name="rounds"/> rounds cut into slices of
    /// <see cref="SliceSize"/> events where every slice runs every variant in a rotating order, so another process's
    /// load (this is a shared 2-core machine) falls on all variants alike and the ratios stay steady even when absolute
    /// rates are not. Returns each variant's per-round samples; <paramref name="roundDone"/> gets each round's samples.
    /// </summary>
    public static List<Sample>[] Interleave(string[] names, Action<int, int, int> variant, int poolSize, int rounds, int eventsPerRound, bool quick, Action<int, Sample[]> roundDone)
    {
        // Warm-up, by time (tier-1/PGO recompilation runs on a background thread that a busy machine delays): caches fill,
        // and any rejected event fails here rather than mid-measurement.
        var warmUp = System.Diagnostics.Stopwatch.StartNew();
        for (int w = 0; w < 3 || warmUp.Elapsed < TimeSpan.FromSeconds(quick ? 1 : 3); w++)
        {
            for (int v = 0; v < names.Length; v++)
            {
                variant(v, 0, poolSize);
            }

            Thread.Sleep(20); // give the background JIT a core
        }

        var samples = names.Select(_ => new List<Sample>()).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            var elapsed = new TimeSpan[names.Length];
            var allocated = new long[names.Length];
            for (int slice = 0; slice * SliceSize < eventsPerRound; slice++)
            {
                int from = slice * SliceSize, count = Math.Min(SliceSize, eventsPerRound - from);
                for (int k = 0; k < names.Length; k++)
                {
                    int v = (k + slice + round) % names.Length;
                    var sample = SyncTimer.Run(count, () => variant(v, from, count));
                    elapsed[v] += sample.Elapsed;
                    allocated[v] += sample.AllocatedBytes;
                }
            }

            for (int v = 0; v < names.Length; v++)
            {
                samples[v].Add(new Sample(eventsPerRound, elapsed[v], allocated[v]));
            }

            roundDone(round, [.. samples.Select(s => s[^1])]);
        }

        return samples;
    }

    public static System.Text.Json.Nodes.JsonArray PerRound(Comparison comparison) =>
        [.. comparison.Candidate.Zip(comparison.Baseline, (c, b) => (System.Text.Json.Nodes.JsonNode?)new System.Text.Json.Nodes.JsonObject
        {
            ["candidatePerSecond"] = Fmt.Round(c.PerSecond, 1),
            ["baselinePerSecond"] = Fmt.Round(b.PerSecond, 1),
            ["ratio"] = Fmt.Round(c.PerSecond / b.PerSecond),
            ["candidateSeconds"] = Fmt.Round(c.Elapsed.TotalSeconds),
            ["baselineSeconds"] = Fmt.Round(b.Elapsed.TotalSeconds),
        })];
}

/// <summary>The floor's POCO: every field of both event types, no validation.</summary>
public sealed class RawCloudEvent
{
    public string? Specversion { get; set; }
    public string? Type { get; set; }
    public string? Source { get; set; }
    public string? Id { get; set; }
    public DateTimeOffset Time { get; set; }
    public string? Subject { get; set; }
    public string? Datacontenttype { get; set; }
    public RawEventData? Data { get; set; }
}

public sealed class RawEventData
{
    public string? SessionId { get; set; }
    public string? HotspotId { get; set; }
    public string? SubscriberHash { get; set; }
    public string? RadioAccessTechnology { get; set; }
    public DateTimeOffset? StartTime { get; set; }
    public DateTimeOffset? EndTime { get; set; }
    public long? UploadBytes { get; set; }
    public long? DownloadBytes { get; set; }
    public long? RewardableBytes { get; set; }
    public string? LeaseId { get; set; }
    public string? TenantId { get; set; }
    public string? ProviderId { get; set; }
    public string? GpuModel { get; set; }
    public int? GpuCount { get; set; }
    public DateTimeOffset? IntervalStart { get; set; }
    public DateTimeOffset? IntervalEnd { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RawCloudEvent))]
[JsonSerializable(typeof(RawRenderJobEvent))]
public sealed partial class RawJson : JsonSerializerContext;
