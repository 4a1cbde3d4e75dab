namespace Billing.Cli.Generation;

/// <summary>
/// Sample usage of the shipped declarative networks, valid per their definitions (functions/Billing.Functions/meters):
/// Grass-style bandwidth reports per residential node, Hivemapper-style map captures over H3 resolution-9 cells that
/// drivers revisit (so unique cells are far fewer than captures), Render-style job segments by tier, and hourly
/// inference token reports per model priced in <c>inference-standard-v1</c>. Event times follow the diurnal curve
/// inside the window, as the carrier sessions do.
/// </summary>
internal static class NetworkSamples
{
    private static readonly string[] Countries = ["US", "DE", "GB", "BR", "IN", "JP", "FR", "CA", "NG", "ID", "PH", "VN"];
    private static readonly long[] CountryWeights = [22, 10, 8, 9, 12, 5, 6, 5, 4, 7, 6, 6];

    private static readonly string[] Tiers = ["tier1", "tier2", "tier3"];
    private static readonly long[] TierWeights = [2, 5, 3];

    private static readonly string[] Models = ["llama-3.1-8b", "llama-3.1-70b", "deepseek-r1"];
    private static readonly long[] ModelWeights = [5, 3, 2];
    private static readonly int[] Subnets = [1, 4, 19, 64];

    public static IEnumerable<(DateTimeOffset Time, string Source, string Id, string Json)> Generate(
        SampleNetwork network, int seed, int count, DateTimeOffset start, DateTimeOffset end, string monthTag)
    {
        var rng = SampleRandom.Rng(seed, network.Name + ":" + network.Provider + ":" + monthTag);
        var slots = new TimeSlots(start, end);
        Func<Random, DateTimeOffset, string, string> next = network.Name switch
        {
            "bandwidth" => Bandwidth(seed, network),
            "mapping" => Mapping(seed, network, count),
            "render" => Render(seed, network, monthTag),
            "inference" => Inference(network),
            _ => throw new ArgumentException($"no sample data for network '{network.Name}'", nameof(network)),
        };
        string prefix = network.Name switch { "bandwidth" => "bw", "mapping" => "map", "render" => "render", _ => "inf" };
        for (int n = 0; n < count; n++)
        {
            string id = $"{prefix}-s{seed}-{monthTag}-{n:D6}";
            var time = slots.Sample(rng);
            yield return (time, network.Provider, id, next(rng, time, id));
        }
    }

    /// <summary>A report of bytes and requests a node served for the tenant over 15 min – 6 h ending at the event time.</summary>
    private static Func<Random, DateTimeOffset, string, string> Bandwidth(int seed, SampleNetwork network)
    {
        var nodes = SampleRandom.Keys(seed, "nodes:" + network.Provider, 40, 10_000, 500);
        var setup = SampleRandom.Rng(seed, "node-countries:" + network.Provider);
        var countryOf = nodes.Ids.Select(_ => Countries[SampleRandom.Pick(setup, SampleRandom.Cumulative(CountryWeights))]).ToArray();
        return (rng, time, id) =>
        {
            int node = SampleRandom.Pick(rng, nodes.Cumulative);
            long seconds = rng.Next(15, 361) * 60L;
            long bytes = Math.Clamp((long)Math.Round(Math.Exp(Math.Log(150e6) + (1.3 * SampleRandom.Normal(rng)))), 0, 2_000_000_000_000);
            long requests = Math.Min(bytes / rng.Next(20_000, 80_001), 1_000_000_000);
            return Event(network, id, time, "node/" + nodes.Ids[node], w =>
            {
                w.WriteString("customerId", network.Tenant);
                w.WriteString("nodeId", nodes.Ids[node]);
                w.WriteString("country", countryOf[node]);
                w.WriteNumber("bytesServed", bytes);
                w.WriteNumber("requests", requests);
                w.WriteString("startTime", SampleDataGenerator.Format(time.AddSeconds(-seconds)));
                w.WriteString("endTime", SampleDataGenerator.Format(time));
            });
        };
    }

    /// <summary>
    /// A capture of 150–1,200 m driven inside one resolution-9 cell. Each device drives in one of four areas and keeps
    /// to a pool of route cells there, popular ones far more often: most captures revisit a cell.
    /// </summary>
    private static Func<Random, DateTimeOffset, string, string> Mapping(int seed, SampleNetwork network, int count)
    {
        var devices = SampleRandom.Keys(seed, "devices:" + network.Provider, 12, 10_000, 500);
        var setup = SampleRandom.Rng(seed, "cells:" + network.Provider);
        const int Areas = 4;
        int routeCells = Math.Max(8, count / (Areas * 3));
        var routes = new (string[] Cells, long[] Cumulative)[Areas];
        for (int a = 0; a < Areas; a++)
        {
            int baseCell = H3Cells.RandomHexagonBaseCell(setup);
            var area = Enumerable.Range(0, 5).Select(_ => setup.Next(7)).ToArray(); // resolution 1-5: a region of ~250 km²
            var cells = new HashSet<string>(StringComparer.Ordinal);
            while (cells.Count < routeCells)
            {
                cells.Add(H3Cells.Format(baseCell, [.. area, .. Enumerable.Range(0, 4).Select(_ => setup.Next(7))]));
            }

            routes[a] = ([.. cells.Order(StringComparer.Ordinal)], SampleRandom.Cumulative(Enumerable.Range(1, routeCells).Select(i => (long)((1000 / i) + 20)).ToList()));
        }

        return (rng, time, id) =>
        {
            int device = SampleRandom.Pick(rng, devices.Cumulative);
            var route = routes[device % Areas];
            string cell = route.Cells[SampleRandom.Pick(rng, route.Cumulative)];
            return Event(network, id, time, "device/" + devices.Ids[device], w =>
            {
                w.WriteString("customerId", network.Tenant);
                w.WriteString("deviceId", devices.Ids[device]);
                w.WriteString("h3Cell", cell);
                w.WriteNumber("distanceMeters", rng.Next(150, 1201));
                w.WriteString("capturedAt", SampleDataGenerator.Format(time.AddSeconds(-rng.Next(0, 901))));
            });
        };
    }

    /// <summary>A segment of a render job: 1–600 frames at 20–240 s a frame on one node, ending at the event time.</summary>
    private static Func<Random, DateTimeOffset, string, string> Render(int seed, SampleNetwork network, string monthTag)
    {
        var nodes = SampleRandom.Keys(seed, "render-nodes:" + network.Provider, 16, 10_000, 500);
        var setup = SampleRandom.Rng(seed, "render-scores:" + network.Provider);
        var scores = nodes.Ids.Select(_ => setup.Next(300, 3001)).ToArray(); // OctaneBench scores of single to multi-GPU nodes
        int jobs = 24;
        var tierOf = Enumerable.Range(0, jobs).Select(_ => Tiers[SampleRandom.Pick(setup, SampleRandom.Cumulative(TierWeights))]).ToArray();
        return (rng, time, id) =>
        {
            int job = rng.Next(jobs);
            int node = SampleRandom.Pick(rng, nodes.Cumulative);
            int frames = rng.Next(1, 601);
            long seconds = Math.Min((long)frames * rng.Next(20, 241), 7 * 86_400);
            string jobId = $"job-s{seed}-{monthTag}-{job:D3}";
            return Event(network, id, time, "job/" + jobId, w =>
            {
                w.WriteString("customerId", network.Tenant);
                w.WriteString("jobId", jobId);
                w.WriteString("nodeId", nodes.Ids[node]);
                w.WriteString("tier", tierOf[job]);
                w.WriteNumber("frames", frames);
                w.WriteNumber("octaneBench", scores[node]);
                w.WriteString("startTime", SampleDataGenerator.Format(time.AddSeconds(-seconds)));
                w.WriteString("endTime", SampleDataGenerator.Format(time));
            });
        };
    }

    /// <summary>An hour of one model's tokens; reasoning models write more than they read.</summary>
    private static Func<Random, DateTimeOffset, string, string> Inference(SampleNetwork network) => (rng, time, id) =>
    {
        string model = Models[SampleRandom.Pick(rng, SampleRandom.Cumulative(ModelWeights))];
        long input = Math.Clamp((long)Math.Round(Math.Exp(Math.Log(1.5e6) + SampleRandom.Normal(rng))), 1, 100_000_000);
        long output = Math.Min(input * (model == "deepseek-r1" ? rng.Next(80, 251) : rng.Next(10, 61)) / 100, 100_000_000);
        int? subnet = rng.Next(100) < 60 ? Subnets[rng.Next(Subnets.Length)] : null; // served through a Bittensor subnet, or directly
        return Event(network, id, time, "model/" + model, w =>
        {
            w.WriteString("customerId", network.Tenant);
            w.WriteString("model", model);
            if (subnet is { } s)
            {
                w.WriteNumber("subnet", s);
            }

            w.WriteNumber("inputTokens", input);
            w.WriteNumber("outputTokens", output);
        });
    };

    private static string Event(SampleNetwork network, string id, DateTimeOffset time, string subject, Action<Utf8JsonWriter> data) =>
        SampleDataGenerator.Write(w =>
        {
            w.WriteString("specversion", "1.0");
            w.WriteString("type", network.Type);
            w.WriteString("source", network.Provider);
            w.WriteString("id", id);
            w.WriteString("time", SampleDataGenerator.Format(time));
            w.WriteString("subject", subject);
            w.WriteString("datacontenttype", "application/json");
            w.WriteStartObject("data");
            data(w);
            w.WriteEndObject();
        });
}
