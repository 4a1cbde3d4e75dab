using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Billing.Benchmarks.Harness;
using Billing.Benchmarks.Workload;
using Billing.Domain.Events;
using Billing.Domain.Partners;
using Billing.Domain.Pricing;
using Billing.Functions;
using Billing.Storage;

namespace Billing.Benchmarks.Benchmarks;

/// <summary>
/// Benchmark 1, declared-type row (issue 17): the same method as the built-in row, on events of the shipped declared
/// type <c>depin.render.job.v1</c> (generic path: envelope pass, then <c>DeclaredEventReader</c>'s data pass, checks,
/// the expression meter, payer rule and plan pricing) validated with the definitions the app loads and the metering
/// context (enqueue time, no posting partner) → keys → <see cref="UsageAccumulator"/>. The floor: System.Text.Json into
/// a POCO with the same data fields (source-generated).
/// </summary>
public static class DeclaredMeteringPath
{
    public const string Type = "depin.render.job.v1";
    public const string Customer = "tenant-render-lab";
    private static readonly string[] Tiers = ["tier1", "tier2", "tier3"];

    public static void Run(BenchOptions options, Action<string> log, BenchmarkResult result, DateTimeOffset now, PlanCatalog plans, FactStore facts)
    {
        int rounds = options.Quick ? 3 : 11;
        int eventsPerRound = options.Quick ? 4_096 : 32_768;
        const int PoolSize = 4096;

        var pool = Pool(new Random(17), PoolSize, now);
        Partner[] partners = [.. SampleUsage.Partners, new(Customer, PartnerRole.Tenant, "render-standard-v1")];
        var validator = new UsageEventValidator(new StaticPartners(partners), plans, LoadDefinitions());
        var usage = new UsageAccumulator(plans.Get("render-standard-v1"));
        var context = new ValidationContext(now, null); // what MeteringService passes: enqueue time, no posting partner
        Verify(pool, validator, context);
        long checksum = 0;

        // Cumulative variants as in the built-in row: 0 parse + validate; 1 + keys; 2 + accumulate = the metering path; 3 the floor.
        string[] names = ["validate", "keys", "metering", "raw"];
        void Variant(int variant, int from, int count)
        {
            for (int i = from; i < from + count; i++)
            {
                byte[] raw = pool[i % PoolSize];
                if (variant == 3)
                {
                    checksum += JsonSerializer.Deserialize(raw, RawJson.Default.RawRenderJobEvent)!.Data!.Frames;
                    continue;
                }

                var fact = validator.Validate(raw, context).Fact!;
                checksum += fact.Id.Length;
                if (variant >= 1)
                {
                    checksum += facts.PartitionKey(fact.Payer, fact.Source, fact.Id).Length
                        + FactStore.IdentityRowKey(fact.Source, fact.Id).Length + FactStore.TimeRowKey(fact.Time, fact.Source, fact.Id).Length;
                }

                if (variant == 2)
                {
                    usage.Add(fact);
                }
            }
        }

        var samples = MeteringHotPath.Interleave(names, Variant, PoolSize, rounds, eventsPerRound, options.Quick, (round, last) =>
            log($"metering (declared {Type}): round {round + 1}/{rounds}: {Fmt.Rate(last[2].PerSecond)}/s vs {Fmt.Rate(last[3].PerSecond)}/s (ratio {last[2].PerSecond / last[3].PerSecond:0.000})"));

        var comparison = new Comparison();
        comparison.Candidate.AddRange(samples[2]);
        comparison.Baseline.AddRange(samples[3]);
        double Ns(int v) => Comparison.Median(samples[v].Select(x => x.Elapsed.TotalNanoseconds / x.Units));
        double Bytes(int v) => Comparison.Median(samples[v].Select(x => x.BytesPerUnit));
        double validateNs = Ns(0), keysNs = Ns(1), fullNs = Ns(2), rawNs = Ns(3);
        double avgEventBytes = pool.Average(p => p.Length);
        string breakdown = $"ns/event: parse+validate {validateNs:0} + keys {keysNs - validateNs:0} + accumulate {fullNs - keysNs:0} = {fullNs:0}; floor {rawNs:0}";
        result.Rows.Add(comparison.RateRow(
            $"1d. declared type {Type} (1 thread)",
            "events",
            minRatio: 0.3,
            $"generic path: Validate(UTF-8, loaded definitions)+keys+UsageAccumulator vs STJ→POCO, same bytes (avg {avgEventBytes:0} B); median of {rounds} rounds × {Fmt.Int(eventsPerRound)} (range {comparison.MinRatio:0.00}–{comparison.MaxRatio:0.00})"));
        result.Rows.Add(new Row(
            "1d. declared allocations",
            $"{Bytes(2):0} B/event",
            $"{Bytes(3):0} B/event",
            Bytes(3) > 0 ? Bytes(2) / Bytes(3) : null,
            "report",
            null,
            $"GC.GetAllocatedBytesForCurrentThread per event, median round; {breakdown}"));

        var figures = new JsonObject
        {
            ["type"] = Type,
            ["rounds"] = rounds,
            ["eventsPerRound"] = eventsPerRound,
            ["eventPool"] = PoolSize,
            ["averageEventBytes"] = Fmt.Round(avgEventBytes, 1),
            ["eventsPerSecond"] = Fmt.Round(comparison.CandidateRate, 0),
            ["rawEventsPerSecond"] = Fmt.Round(comparison.BaselineRate, 0),
            ["bytesAllocatedPerEvent"] = Fmt.Round(Bytes(2), 0),
            ["rawBytesAllocatedPerEvent"] = Fmt.Round(Bytes(3), 0),
            ["breakdownNsPerEvent"] = new JsonObject
            {
                ["parseAndValidate"] = Fmt.Round(validateNs, 0),
                ["partitionAndRowKeys"] = Fmt.Round(keysNs - validateNs, 0),
                ["accumulate"] = Fmt.Round(fullNs - keysNs, 0),
                ["total"] = Fmt.Round(fullNs, 0),
                ["rawDeserialize"] = Fmt.Round(rawNs, 0),
            },
            ["breakdownBytesPerEvent"] = new JsonObject { ["parseAndValidate"] = Fmt.Round(Bytes(0), 0), ["parseValidateKeys"] = Fmt.Round(Bytes(1), 0) },
            ["perRound"] = MeteringHotPath.PerRound(comparison),
            ["checksum"] = checksum,
            ["groups"] = usage.GroupCount,
        };
        comparison.AddRatioFigures(figures, minRatio: 0.3);
        result.Figures["declared"] = figures;
    }

    /// <summary>The shipped declarations (functions/Billing.Functions/meters), loaded as the app loads them.</summary>
    private static Billing.Domain.Definitions.EventDefinitions LoadDefinitions()
    {
        string output = Path.Combine(AppContext.BaseDirectory, "meters");
        return BillingFunctionsApp.LoadDefinitions(Directory.Exists(output) ? output : Path.Combine(RepositoryRoot.Path, "functions", "Billing.Functions", "meters"));
    }

    /// <summary>Render job reports as a provider sends them: varying customer-job ids, nodes, tiers, frames, OctaneBench scores and durations.</summary>
    private static byte[][] Pool(Random random, int count, DateTimeOffset now)
    {
        var nodes = Enumerable.Range(0, 64).Select(_ => SampleEvents.NewHotspot(random)).ToArray();
        var pool = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            var end = now.AddSeconds(-random.Next(60, 86_400));
            var start = end.AddSeconds(-random.Next(30, 6 * 3600));
            string job = "job-" + random.Next(1, 2_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            var json = new JsonObject
            {
                ["specversion"] = "1.0",
                ["type"] = Type,
                ["source"] = SampleUsage.Provider,
                ["id"] = $"{job}:{i:D7}",
                ["time"] = SampleEvents.Time(end),
                ["datacontenttype"] = "application/json",
                ["data"] = new JsonObject
                {
                    ["customerId"] = Customer,
                    ["jobId"] = job,
                    ["nodeId"] = nodes[random.Next(nodes.Length)],
                    ["tier"] = Tiers[random.Next(Tiers.Length)],
                    ["frames"] = random.Next(1, 5_000),
                    ["octaneBench"] = random.Next(100, 5_000),
                    ["startTime"] = SampleEvents.Time(start),
                    ["endTime"] = SampleEvents.Time(end),
                },
            };
            pool[i] = Encoding.UTF8.GetBytes(json.ToJsonString());
        }

        return pool;
    }

    /// <summary>Both sides read every event the same way: each is valid on the product side, and frame counts and OctaneBench-seconds agree.</summary>
    private static void Verify(byte[][] pool, UsageEventValidator validator, ValidationContext context)
    {
        long frames = 0, obSeconds = 0, rawFrames = 0, rawObSeconds = 0;
        foreach (byte[] raw in pool)
        {
            var validated = validator.Validate(raw, context);
            var fact = validated.Fact ?? throw new InvalidOperationException("benchmark event rejected: " + string.Join("; ", validated.Errors));
            if (fact.Type != Type || fact.Readings.Count != 2)
            {
                throw new InvalidOperationException($"benchmark event read as {fact.Type} with {fact.Readings.Count} readings");
            }

            frames += fact.Readings.Single(r => r.Meter == "render.frames").Quantity;
            obSeconds += fact.Readings.Single(r => r.Meter == "render.ob_seconds").Quantity;
            var data = JsonSerializer.Deserialize(raw, RawJson.Default.RawRenderJobEvent)?.Data ?? throw new InvalidOperationException("raw side read no data");
            rawFrames += data.Frames;
            rawObSeconds += (long)(data.EndTime - data.StartTime).TotalSeconds * data.OctaneBench;
        }

        if (frames != rawFrames || obSeconds != rawObSeconds)
        {
            throw new InvalidOperationException($"sides disagree: frames {frames} vs {rawFrames}, OctaneBench-seconds {obSeconds} vs {rawObSeconds}");
        }
    }
}

/// <summary>The declared floor's POCO: the envelope and the data fields of <c>depin.render.job.v1</c>, no validation.</summary>
public sealed class RawRenderJobEvent
{
    public string? Specversion { get; set; }
    public string? Type { get; set; }
    public string? Source { get; set; }
    public string? Id { get; set; }
    public DateTimeOffset Time { get; set; }
    public string? Datacontenttype { get; set; }
    public RawRenderJobData? Data { get; set; }
}

public sealed class RawRenderJobData
{
    public string? CustomerId { get; set; }
    public string? JobId { get; set; }
    public string? NodeId { get; set; }
    public string? Tier { get; set; }
    public long Frames { get; set; }
    public long OctaneBench { get; set; }
    public DateTimeOffset StartTime { get; set; }
    public DateTimeOffset EndTime { get; set; }
}
