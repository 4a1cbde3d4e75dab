using System.Security.Cryptography;

namespace Billing.Cli.Generation;

/// <summary>
/// Realistic, deterministic sample usage as CloudEvents (docs/contract.md §3): Helium-style carrier offload sessions over
/// base58 hotspots with an evening-peaked diurnal curve, a RAT mix and heavy-tailed session sizes; Akash-style GPU
/// leases reporting hourly intervals; on request the shipped declarative networks (<see cref="NetworkSamples"/>).
/// Every event time lies in the window the API accepts:
/// [max(monthStart, now − 34 d), min(monthEnd, now − 10 min)).
/// Random doubles are used only to sample; every emitted quantity is an integer.
/// </summary>
public static class SampleDataGenerator
{
    public const string CarrierType = "depin.carrier.offload.v1";
    public const string ComputeType = "depin.compute.usage.v1";

    private static readonly string[] Rats = ["wlan", "cbrs", "nr"];
    private static readonly long[] RatWeights = [70, 20, 10];

    private static readonly string[] GpuModels = ["H100", "A100", "L40S", "RTX4090"];
    private static readonly long[] GpuWeights = [3, 3, 2, 2];

    public static DateOnly DefaultMonth(DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        return new DateOnly(utc.Year, utc.Month, 1).AddMonths(-1);
    }

    /// <summary>The half-open window event times fall in; empty (start ≥ end) if the month is outside what the API accepts.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Window(DateOnly month, DateTimeOffset now)
    {
        var monthStart = new DateTimeOffset(month.Year, month.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var monthEnd = monthStart.AddMonths(1);
        var earliest = TruncateToSecond(now.ToUniversalTime().AddDays(-34));
        var latest = TruncateToSecond(now.ToUniversalTime().AddMinutes(-10));
        return (Max(monthStart, earliest), Min(monthEnd, latest));
    }

    public static GeneratedData Generate(GeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var month = options.Month ?? DefaultMonth(options.Now);
        var (start, end) = Window(month, options.Now);
        if (start >= end)
        {
            throw new UsageException($"month {month:yyyy-MM} has no time the API accepts relative to {Format(options.Now)} (events may be at most 35 days old and not in the future)");
        }

        string monthTag = month.ToString("yyyyMM", CultureInfo.InvariantCulture);
        var events = new List<(DateTimeOffset Time, string Source, string Id, string Json)>();

        foreach (string carrier in options.Carriers)
        {
            var hotspots = Hotspots(options.Seed, carrier, options.Hotspots);
            var rng = SampleRandom.Rng(options.Seed, "sessions:" + carrier + ":" + monthTag);
            var slots = new TimeSlots(start, end);
            for (int n = 0; n < options.Sessions; n++)
            {
                string id = $"sess-s{options.Seed}-{monthTag}-{n:D6}";
                var time = slots.Sample(rng);
                events.Add((time, carrier, id, CarrierEvent(rng, options.Seed, carrier, id, time, hotspots)));
            }

        }

        events.AddRange(ComputeEvents(options, start, end, monthTag));

        int carrierEvents = options.Carriers.Count * options.Sessions;
        int computeEvents = events.Count - carrierEvents;
        var networkEvents = new List<(SampleNetwork, int)>();
        foreach (var network in options.Networks)
        {
            int before = events.Count;
            events.AddRange(NetworkSamples.Generate(network, options.Seed, options.NetworkEvents, start, end, monthTag));
            networkEvents.Add((network, events.Count - before));
        }

        events.Sort((a, b) =>
        {
            int c = a.Time.CompareTo(b.Time);
            c = c != 0 ? c : string.CompareOrdinal(a.Source, b.Source);
            return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
        });

        var lines = new List<string>(events.Count);
        int duplicates = 0;
        if (options.Duplicates > 0 && events.Count > 0)
        {
            duplicates = (int)Math.Floor(events.Count * Math.Min(options.Duplicates, 1m));
            var rng = SampleRandom.Rng(options.Seed, "duplicates:" + monthTag);
            var chosen = Enumerable.Range(0, events.Count).ToArray();
            var inserts = new List<(int After, int Order, string Json)>(duplicates);
            for (int i = 0; i < duplicates; i++)
            {
                int j = rng.Next(i, chosen.Length); // partial Fisher–Yates: distinct originals
                (chosen[i], chosen[j]) = (chosen[j], chosen[i]);
                int original = chosen[i];
                inserts.Add((rng.Next(original, events.Count), i, events[original].Json));
            }

            inserts.Sort((a, b) => a.After != b.After ? a.After.CompareTo(b.After) : a.Order.CompareTo(b.Order));
            int k = 0;
            for (int i = 0; i < events.Count; i++)
            {
                lines.Add(events[i].Json);
                while (k < inserts.Count && inserts[k].After == i)
                {
                    lines.Add(inserts[k++].Json);
                }
            }
        }
        else
        {
            lines.AddRange(events.Select(e => e.Json));
        }

        int late = 0;
        if (options.Late > 0 && options.Carriers.Count > 0)
        {
            // Late arrivals: sessions from the first fifth of the window, reported after everything else.
            string carrier = options.Carriers[0];
            var hotspots = Hotspots(options.Seed, carrier, options.Hotspots);
            var rng = SampleRandom.Rng(options.Seed, "late:" + carrier + ":" + monthTag);
            var earlyEnd = start + TimeSpan.FromSeconds(Math.Max(1, (long)(end - start).TotalSeconds / 5));
            var slots = new TimeSlots(start, earlyEnd);
            for (int n = 0; n < options.Late; n++)
            {
                string id = $"sess-s{options.Seed}-{monthTag}-late-{n:D4}";
                lines.Add(CarrierEvent(rng, options.Seed, carrier, id, slots.Sample(rng), hotspots));
                late++;
            }
        }

        return new GeneratedData(lines, start, end, carrierEvents, computeEvents, duplicates, late) { NetworkEvents = networkEvents };
    }

    /// <summary>Writes one event per line (LF), UTF-8 without BOM.</summary>
    public static async Task WriteAsync(GeneratedData data, TextWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(writer);
        foreach (string line in data.Lines)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync("\n".AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public static string Format(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string CarrierEvent(Random rng, int seed, string carrier, string id, DateTimeOffset end, (string[] Ids, long[] Cumulative) hotspots)
    {
        string hotspot = hotspots.Ids[SampleRandom.Pick(rng, hotspots.Cumulative)];
        string rat = Rats[SampleRandom.Pick(rng, SampleRandom.Cumulative(RatWeights))];

        // Session length: log-normal around 12 minutes, 30 s – 4 h.
        long seconds = Math.Clamp((long)Math.Round(Math.Exp(Math.Log(720) + (0.9 * SampleRandom.Normal(rng)))), 30, 4 * 3600);
        var startTime = end.AddSeconds(-seconds);

        // Downloaded bytes: log-normal (median ~25 MB, sigma 1.6 → a heavy tail of multi-GB sessions); faster RATs move more.
        long download = Math.Clamp((long)Math.Round(Math.Exp(Math.Log(25e6) + (1.6 * SampleRandom.Normal(rng)))), 1_000, 200_000_000_000);
        download = rat switch
        {
            "nr" => download * 2,
            "cbrs" => download * 6 / 5,
            _ => download,
        };
        long upload = download * rng.Next(5, 36) / 100;
        long total = upload + download;
        long rewardable = rng.Next(100) < 90 ? total : total * rng.Next(70, 100) / 100;

        int subscriber = rng.Next(hotspots.Ids.Length * 8);
        string subscriberHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{carrier}:{seed}:subscriber:{subscriber}")));

        return Write(w =>
        {
            w.WriteString("specversion", "1.0");
            w.WriteString("type", CarrierType);
            w.WriteString("source", carrier);
            w.WriteString("id", id);
            w.WriteString("time", Format(end));
            w.WriteString("subject", "hotspot/" + hotspot);
            w.WriteString("datacontenttype", "application/json");
            w.WriteStartObject("data");
            w.WriteString("sessionId", id);
            w.WriteString("hotspotId", hotspot);
            w.WriteString("subscriberHash", subscriberHash);
            w.WriteString("radioAccessTechnology", rat);
            w.WriteString("startTime", Format(startTime));
            w.WriteString("endTime", Format(end));
            w.WriteNumber("uploadBytes", upload);
            w.WriteNumber("downloadBytes", download);
            w.WriteNumber("rewardableBytes", rewardable);
            w.WriteEndObject();
        });
    }

    private static IEnumerable<(DateTimeOffset, string, string, string)> ComputeEvents(GeneratorOptions options, DateTimeOffset start, DateTimeOffset end, string monthTag)
    {
        if (options.Tenants.Count == 0 || options.Leases <= 0)
        {
            yield break;
        }

        // Whole hours [h, h+1h) with h ≥ start and h+1h < end (the event time is the interval end).
        var firstHour = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, 0, 0, TimeSpan.Zero);
        if (firstHour < start)
        {
            firstHour = firstHour.AddHours(1);
        }

        long hours = (long)Math.Floor((end - TimeSpan.FromSeconds(1) - firstHour).TotalHours);
        if (hours < 1)
        {
            yield break;
        }

        var rng = SampleRandom.Rng(options.Seed, "leases:" + options.Provider + ":" + monthTag);
        for (int n = 0; n < options.Leases; n++)
        {
            string leaseId = $"lease-s{options.Seed}-{monthTag}-{n:D2}";
            string tenant = options.Tenants[n % options.Tenants.Count];
            string model = GpuModels[SampleRandom.Pick(rng, SampleRandom.Cumulative(GpuWeights))];
            int gpuCount = rng.Next(1, 9);
            int length = (int)Math.Min(hours, rng.Next(24, 241));
            int offset = rng.Next(0, (int)(hours - length) + 1);
            for (int h = 0; h < length; h++)
            {
                bool paused = rng.Next(100) < 4; // leases occasionally report nothing for an hour
                if (paused)
                {
                    continue;
                }

                var intervalStart = firstHour.AddHours(offset + h);
                var intervalEnd = intervalStart.AddHours(1);
                string id = $"{leaseId}:{intervalStart.UtcDateTime.ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture)}";
                string json = Write(w =>
                {
                    w.WriteString("specversion", "1.0");
                    w.WriteString("type", ComputeType);
                    w.WriteString("source", options.Provider);
                    w.WriteString("id", id);
                    w.WriteString("time", Format(intervalEnd));
                    w.WriteString("subject", "lease/" + leaseId);
                    w.WriteStartObject("data");
                    w.WriteString("leaseId", leaseId);
                    w.WriteString("tenantId", tenant);
                    w.WriteString("providerId", options.Provider);
                    w.WriteString("gpuModel", model);
                    w.WriteNumber("gpuCount", gpuCount);
                    w.WriteString("intervalStart", Format(intervalStart));
                    w.WriteString("intervalEnd", Format(intervalEnd));
                    w.WriteEndObject();
                });
                yield return (intervalEnd, options.Provider, id, json);
            }
        }
    }

    /// <summary>Hotspot ids (base58 of 32 pseudo-random bytes) with Zipf-like popularity weights.</summary>
    private static (string[] Ids, long[] Cumulative) Hotspots(int seed, string carrier, int count) =>
        SampleRandom.Keys(seed, "hotspots:" + carrier, count, 100_000, 2_000);

    internal static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(768);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static DateTimeOffset TruncateToSecond(DateTimeOffset t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
