using System.Text.Json.Serialization;

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
    public static BenchmarkResult Run(BenchOptions options, Action<string> log)
    {
        var result = new BenchmarkResult("metering");
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
        var run = new MeteringRun(options.Quick ? 5 : 11, options.Quick ? 8_192 : 65_536, options.Quick, 0.5, validator, new ValidationContext(now, null), facts);
        run.Measure(
            ("1. metering hot path (1 thread)", "1. metering allocations", "Validate(UTF-8)+keys+UsageAccumulator"),
            pool,
            fact => fact.IsCarrier ? carrierUsage : computeUsage,
            raw => JsonSerializer.Deserialize(raw, RawJson.Default.RawCloudEvent)!.Id!.Length,
            result,
            result.Figures,
            log,
            "metering");
        result.Figures["groups"] = carrierUsage.GroupCount + computeUsage.GroupCount;
        DeclaredMeteringPath.Run(options, log, result, now, plans, facts);
        return result;
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

/// <summary>The floor's POCO: the CloudEvents envelope, no validation; each floor adds its <c>data</c>.</summary>
public abstract class RawEnvelope
{
    public string? Specversion { get; set; }
    public string? Type { get; set; }
    public string? Source { get; set; }
    public string? Id { get; set; }
    public DateTimeOffset Time { get; set; }
    public string? Subject { get; set; }
    public string? Datacontenttype { get; set; }
}

/// <summary>The built-in floor's POCO: every field of both event types.</summary>
public sealed class RawCloudEvent : RawEnvelope
{
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
