namespace Billing.Functions.Tests.Metering;

/// <summary>
/// Builds usage events of every shipped type near the edges the validators allow, as raw JSON (members in any order,
/// odd whitespace, escapes, unknown members and extensions, sometimes a duplicate key or a fraction the validators must
/// refuse). Seeded: the same seed gives the same events. Sources and payers are the partners of <see cref="FuzzPartners"/>.
/// </summary>
internal sealed class HostileEvents(HostileText text, FuzzPartners partners, DateTimeOffset now)
{
    public const string Bandwidth = "depin.bandwidth.usage.v1";
    public const string Mapping = "depin.mapping.coverage.v1";
    public const string Render = "depin.render.job.v1";
    public const string Inference = "depin.inference.usage.v1";

    public static readonly string[] Types = [EventTypes.CarrierOffloadV1, EventTypes.ComputeUsageV1, Bandwidth, Mapping, Render, Inference];

    private static readonly string[] GpuModels = ["H100", "A100", "L40S", "RTX4090"];
    private static readonly string[] Models = ["llama-3.1-8b", "llama-3.1-70b", "deepseek-r1"];

    /// <summary>One event: who posts it, the hub it goes to, its JSON.</summary>
    public sealed record Case(int Number, string Type, Partner Poster, string Json, bool Hostile);

    /// <summary>Event <paramref name="number"/> of <paramref name="type"/>; <paramref name="hostile"/> false gives a plain one (the control group).</summary>
    public Case Next(int number, string type, bool hostile = true)
    {
        var random = text.Random;
        var members = new List<(string Name, string Value)>();
        var data = new List<(string Name, string Value)>();
        var poster = type == EventTypes.CarrierOffloadV1 ? partners.Carrier(hostile && text.Chance(50)) : partners.Provider(hostile && text.Chance(50));
        string id = hostile ? text.Id($"e{number}") : $"e{number}";
        var time = hostile ? Instant() : now.AddMinutes(-30);
        string S(string v) => hostile ? text.Json(v) : JsonSerializer.Serialize(v);
        string N(long v) => hostile && text.Chance(15) ? text.Number(v) : v.ToString(CultureInfo.InvariantCulture);
        string T(DateTimeOffset t) => hostile ? S(text.Time(t)) : S(SampleEvents.Time(t));
        long Edge(long max) => hostile ? text.Pick([0, 1, max, max - 1, random.NextInt64(max + 1)]) : random.NextInt64(1, max + 1);

        members.Add(("specversion", S("1.0")));
        members.Add(("type", S(type)));
        members.Add(("source", S(poster.Id)));
        members.Add(("id", S(id)));
        members.Add(("time", T(time)));
        switch (type)
        {
            case EventTypes.CarrierOffloadV1:
                data.Add(("sessionId", S(hostile ? text.Id($"s{number}") : $"s{number}")));
                data.Add(("hotspotId", S(text.Key())));
                if (text.Chance(40))
                {
                    string hash = Convert.ToHexString(RandomBytes(32));
                    data.Add(("subscriberHash", text.Chance(20) ? "null" : S(text.Chance(50) ? hash.ToLowerInvariant() : hash)));
                }

                data.Add(("radioAccessTechnology", S(text.Pick(["wlan", "cbrs", "nr"]))));
                var end = hostile ? text.Pick([time, time.AddSeconds(-random.Next(86_400)), DateTimeOffset.MaxValue, new DateTimeOffset(1601, 1, 1, 0, 0, 0, TimeSpan.Zero)]) : time;
                var start = hostile ? text.Pick([end, end.AddTicks(-random.NextInt64(TimeSpan.TicksPerDay)), DateTimeOffset.MinValue]) : end.AddMinutes(-15);
                data.Add(("startTime", T(start)));
                data.Add(("endTime", T(end)));
                long up = Edge(EventLimits.MaxBytesPerSession), down = Edge(EventLimits.MaxBytesPerSession);
                data.Add(("uploadBytes", N(up)));
                data.Add(("downloadBytes", N(down)));
                if (text.Chance(50))
                {
                    data.Add(("rewardableBytes", text.Chance(20) ? "null" : N(hostile ? text.Pick([0, up + down, (up + down) / 2]) : (up + down) / 2)));
                }

                break;
            case EventTypes.ComputeUsageV1:
                data.Add(("leaseId", S(hostile ? text.Id($"l{number}") : $"l{number}")));
                data.Add(("tenantId", S(partners.Tenant(type, hostile && text.Chance(50)).Id)));
                data.Add(("providerId", S(poster.Id)));
                data.Add(("gpuModel", S(text.Pick(GpuModels))));
                data.Add(("gpuCount", N(hostile ? text.Pick([1, EventLimits.MaxGpuCount, random.Next(1, EventLimits.MaxGpuCount)]) : 8)));
                int seconds = hostile ? text.Pick([1, 86_400, random.Next(1, 86_401)]) : 3600;
                data.Add(("intervalStart", T(time.AddSeconds(-seconds))));
                data.Add(("intervalEnd", T(time)));
                break;
            case Bandwidth:
                data.Add(("customerId", S(partners.Tenant(type, hostile && text.Chance(50)).Id)));
                data.Add(("nodeId", S(text.Key())));
                data.Add(("country", S(hostile ? $"{(char)('A' + random.Next(26))}{(char)('A' + random.Next(26))}" : "DE")));
                data.Add(("bytesServed", N(Edge(10_000_000_000_000))));
                if (!hostile || text.Chance(70))
                {
                    data.Add(("requests", text.Chance(10) ? "null" : N(Edge(1_000_000_000))));
                }

                var bEnd = hostile ? text.Pick([time, DateTimeOffset.MaxValue, new DateTimeOffset(1, 1, 2, 0, 0, 0, TimeSpan.Zero)]) : time;
                data.Add(("startTime", T(bEnd.AddSeconds(-(hostile ? text.Pick([0, 86_400, random.Next(86_400)]) : 3600)))));
                data.Add(("endTime", T(bEnd)));
                break;
            case Mapping:
                data.Add(("customerId", S(partners.Tenant(type, hostile && text.Chance(50)).Id)));
                data.Add(("deviceId", S(text.Key())));
                data.Add(("h3Cell", S(text.Chance(50) ? text.Pick(["8928308280fffff", "89283082803ffff", "8928308280bffff"]) : text.H3Cell())));
                data.Add(("distanceMeters", N(Edge(1_000_000))));
                data.Add(("capturedAt", T(hostile ? text.Pick([time, DateTimeOffset.MinValue, time.AddTicks(-random.NextInt64(TimeSpan.TicksPerDay))]) : time.AddMinutes(-1))));
                break;
            case Render:
                data.Add(("customerId", S(partners.Tenant(type, hostile && text.Chance(50)).Id)));
                data.Add(("jobId", S(hostile ? text.Declared($"j{number}", 128) : $"j{number}")));
                data.Add(("nodeId", S(text.Key())));
                data.Add(("tier", S(text.Pick(["tier1", "tier2", "tier3"]))));
                data.Add(("frames", N(Math.Max(1, Edge(1_000_000)))));
                data.Add(("octaneBench", N(Math.Max(1, Edge(100_000)))));
                var rEnd = hostile ? text.Pick([time, DateTimeOffset.MaxValue]) : time;
                long span = hostile ? text.Pick([1L, 604_800L * TimeSpan.TicksPerSecond, random.NextInt64(1, 604_800L * TimeSpan.TicksPerSecond)]) : TimeSpan.TicksPerHour;
                data.Add(("startTime", T(rEnd.AddTicks(-span))));
                data.Add(("endTime", T(rEnd)));
                break;
            default:
                data.Add(("customerId", S(partners.Tenant(type, hostile && text.Chance(50)).Id)));
                data.Add(("model", S(text.Pick(Models))));
                if (text.Chance(60))
                {
                    data.Add(("subnet", text.Chance(20) ? "null" : N(text.Pick([0, 65_535, random.Next(65_536)]))));
                }

                long input = Edge(100_000_000);
                data.Add(("inputTokens", N(input)));
                data.Add(("outputTokens", N(input == 0 ? text.Pick([1, 100_000_000]) : Edge(100_000_000))));
                break;
        }

        if (hostile)
        {
            AddEnvelopeExtras(members, data, number);
        }

        members.Add(("data", Write(data, hostile)));
        return new Case(number, type, poster, Write(members, hostile), hostile);
    }

    /// <summary>Optional attributes, extensions and unknown data members, all of which the contract allows.</summary>
    private void AddEnvelopeExtras(List<(string Name, string Value)> members, List<(string Name, string Value)> data, int number)
    {
        if (text.Chance(40))
        {
            members.Add(("subject", text.Json(text.Loose($"sub{number}", text.Pick([1, 200, 2000])).Replace('\u2028', '_'))));
        }

        if (text.Chance(30))
        {
            members.Add(("datacontenttype", text.Json(text.Pick(["application/json", "APPLICATION/JSON; charset=utf-8", "text/json", "application/vnd.depin+json", "application/json ; x=\"y\""]))));
        }

        if (text.Chance(20))
        {
            members.Add(("dataschema", text.Json(text.Pick(["urn:x", "https://example.com/s.json?v=%41#frag", "HTTP://EXAMPLE.COM/"]))));
        }

        if (text.Chance(30))
        {
            members.Add((text.Pick(["traceparent", "partitionkey", "averyveryverylongextensionname2026"]), text.Pick(["true", "false", "2147483647", "-2147483648", "null", "-0", text.Json(text.Loose("ext", 300).Replace('\u2028', '_'))])));
        }

        if (text.Chance(15))
        {
            members.Add(("data_base64", "null"));
        }

        if (number % 40 == 7)
        {
            // Near the 64 KiB event limit, astral characters among them: the raw event is kept in 30,000-character parts.
            data.Add(("padding", text.Json(text.Loose("pad", 2_000))));
            data.Add(("filler", "\"" + new string('<', text.Random.Next(28_000, 40_000)) + "\""));
        }

        if (text.Chance(30))
        {
            data.Add((text.Pick(["unknownField", "note", "id", "\u00FCberfield"]), text.Pick(["{\"nested\":[1,2.5,{\"a\":null}],\"deep\":{\"x\":{}}}", "[]", "1e400", text.Json(text.Loose("n", 64))])));
        }
    }

    /// <summary>An object of the members, in order or shuffled, with random whitespace; rarely a duplicate key (to be refused).</summary>
    private string Write(List<(string Name, string Value)> members, bool hostile)
    {
        var ordered = hostile && text.Chance(60) ? [.. members.OrderBy(_ => text.Random.Next())] : members;
        if (hostile && text.Chance(3))
        {
            ordered = [.. ordered, ordered[text.Random.Next(ordered.Count)]];
        }

        string W() => hostile ? text.Pick(["", "", " ", "\n", "\t", "\r\n  "]) : "";
        var sb = new StringBuilder("{").Append(W());
        for (int i = 0; i < ordered.Count; i++)
        {
            string name = hostile && text.Chance(5) ? EscapedName(ordered[i].Name) : JsonSerializer.Serialize(ordered[i].Name);
            sb.Append(i == 0 ? "" : "," + W()).Append(name).Append(W()).Append(':').Append(W()).Append(ordered[i].Value).Append(W());
        }

        return sb.Append('}').ToString();
    }

    private static string EscapedName(string name) => "\"" + string.Concat(name.Select(c => $"\\u{(int)c:x4}")) + "\"";

    /// <summary>The event's time: month and year boundaries to 100 ns, the 35-day and 5-minute edges, and the month between.</summary>
    private DateTimeOffset Instant()
    {
        var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return text.Random.Next(7) switch
        {
            0 => month.AddTicks(-1),
            1 => month,
            2 => month.AddSeconds(-1).AddTicks(text.Random.Next(10_000_000)),
            3 => now - EventLimits.MaxAge + TimeSpan.FromMinutes(10),
            4 => now + TimeSpan.FromMinutes(4),
            _ => now - TimeSpan.FromTicks(text.Random.NextInt64(TimeSpan.TicksPerDay * 34)),
        };
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        text.Random.NextBytes(bytes);
        return bytes;
    }
}
