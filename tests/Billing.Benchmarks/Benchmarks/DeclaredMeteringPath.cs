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
        var pool = Pool(new Random(17), 4096, now);
        Partner[] partners = [.. SampleUsage.Partners, new(Customer, PartnerRole.Tenant, "render-standard-v1") { Providers = [SampleUsage.Provider] }];
        var validator = new UsageEventValidator(new StaticPartners(partners), plans, LoadDefinitions());
        var usage = new UsageAccumulator(plans.Get("render-standard-v1"));
        var context = new ValidationContext(now, null); // what MeteringService passes: enqueue time, no posting partner
        Verify(pool, validator, context);

        var figures = new JsonObject { ["type"] = Type };
        var run = new MeteringRun(options.Quick ? 3 : 11, options.Quick ? 4_096 : 32_768, options.Quick, 0.3, validator, context, facts);
        run.Measure(
            ($"1d. declared type {Type} (1 thread)", "1d. declared allocations", "generic path: Validate(UTF-8, loaded definitions)+keys+UsageAccumulator"),
            pool,
            _ => usage,
            raw => JsonSerializer.Deserialize(raw, RawJson.Default.RawRenderJobEvent)!.Data!.Frames,
            result,
            figures,
            log,
            $"metering (declared {Type})");
        figures["groups"] = usage.GroupCount;
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
public sealed class RawRenderJobEvent : RawEnvelope
{
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
