using System.Net.Http.Headers;

namespace Billing.Reliability.Tests.Fuzz;

/// <summary>
/// Thousands of deterministic mutations of valid events against POST /api/v1/usage (through the DevHost) and of host
/// invocation payloads against the handler itself: never a 5xx, never a crash, always a clear answer.
/// </summary>
[Collection(PlatformCollection.Name)]
public class IngestionFuzzTests(PlatformFixture platform, ITestOutputHelper output)
{
    private QuarantineStore Quarantine() =>
        new(new BillingTables(new TableServiceClient(platform.ConnectionString), new StorageOptions { TablePrefix = platform.TablePrefix }));

    private int MeterFailures()
    {
        lock (platform.Logs)
        {
            return AppHost.CountMeterFailures([.. platform.Logs]);
        }
    }

    private async Task AssertAliveAsync()
    {
        using var viaHost = await platform.Client.GetAsync("api/health");
        Assert.Equal(HttpStatusCode.OK, viaHost.StatusCode);
        using var direct = await platform.Handler.GetAsync("api/health"); // the handler process itself, not a restarted one behind a retry
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.Contains("\"ok\"", await direct.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestEndpoint_ThousandsOfMutatedBodies_NeverA5xxAlwaysProblemJsonOr202()
    {
        string hotspot = PlatformFixture.NewHotspot();
        var cases = Mutations.Generate(Soak.FuzzCases, seed: 4242, hotspot).ToList();
        int failedBefore = MeterFailures();
        var tally = new StatusTally();
        int next = -1;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < cases.Count && !tally.Full)
            {
                var c = cases[i];
                var content = new ByteArrayContent(c.Body);
                content.Headers.ContentType = new MediaTypeHeaderValue(c.Body.Length > 0 && c.Body[0] == (byte)'[' ? "application/cloudevents-batch+json" : "application/cloudevents+json");
                using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Post, "api/v1/usage", PlatformFixture.CarrierKey, content));
                int status = (int)response.StatusCode;
                string text = await response.Content.ReadAsStringAsync();
                string? problem = Check(c, status, response.Content.Headers.ContentType?.MediaType, text);
                tally.Add(status, problem is null ? null : $"{c.Name}: {problem} (body {Preview(c.Body)})");
            }
        })));

        output.WriteLine($"{cases.Count} mutated bodies in {clock.Elapsed.TotalSeconds:0.0} s; {tally}");
        tally.AssertNoFailures();
        await AssertAliveAsync();
        await platform.Host.WaitForIdleAsync(TimeSpan.FromMinutes(2), CancellationToken.None);
        Assert.Equal(failedBefore, MeterFailures()); // whatever ingestion accepted, metering took without failing
        Assert.DoesNotContain(await Quarantine().ListAsync("carrier-tmo", CancellationToken.None), q => q.Raw.Contains(hotspot, StringComparison.Ordinal) && q.Kind != QuarantineKind.Conflict);
    }

    private static string? Check(FuzzCase c, int status, string? mediaType, string text)
    {
        if (status >= 500)
        {
            return $"{status} {Preview(text)}";
        }

        if (!c.Allowed.Contains(status))
        {
            return $"status {status} not in [{string.Join(",", c.Allowed)}]: {Preview(text)}";
        }

        JsonNode? body;
        try
        {
            body = JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return $"answer is not JSON: {Preview(text)}";
        }

        if (status == 202)
        {
            return body?["accepted"]?.GetValue<int>() > 0 ? null : $"202 without accepted events: {Preview(text)}";
        }

        if (mediaType != "application/problem+json")
        {
            return $"{status} with content type {mediaType}";
        }

        return body?["status"]?.GetValue<int>() == status && !string.IsNullOrEmpty(body?["detail"]?.GetValue<string>()) ? null : $"problem without status/detail: {Preview(text)}";
    }

    private static string Preview(string s) => s.Length > 300 ? s[..300] + "…" : s;

    private static string Preview(byte[] b) => Preview(Encoding.UTF8.GetString(b, 0, Math.Min(b.Length, 300)));

    // ---------------------------------------------------------------- host payloads, straight to the handler

    private static JsonObject MeterPayload(JsonNode eventsData, JsonNode? sequenceNumbers = null, JsonNode? enqueued = null, JsonNode? context = null)
    {
        return new JsonObject
        {
            ["Data"] = new JsonObject { ["events"] = eventsData },
            ["Metadata"] = new JsonObject
            {
                ["PartitionContext"] = context ?? new JsonObject { ["EventHubName"] = "carrier-offload", ["ConsumerGroup"] = "$Default", ["PartitionId"] = "1" },
                ["SequenceNumberArray"] = sequenceNumbers ?? new JsonArray(),
                ["EnqueuedTimeUtcArray"] = enqueued ?? new JsonArray(),
                ["sys"] = new JsonObject { ["MethodName"] = "MeterCarrierOffload" },
            },
        };
    }

    [Fact]
    public async Task MeterCarrierOffload_MutatedHostPayloads_NeverA5xxAndUnparseableEventsLandInQuarantine()
    {
        var random = new Random(777);
        string hotspot = PlatformFixture.NewHotspot();
        var garbage = new List<string>();
        var tally = new StatusTally();
        for (int i = 0; i < Soak.HostFuzzCases && !tally.Full; i++)
        {
            var valid = Mutations.Valid(random, hotspot);
            string text = valid.ToJsonString();
            string raw = (i % 6) switch
            {
                0 => text[..random.Next(1, text.Length - 1)] + "#" + i,                  // truncated
                1 => Mutations.SetRaw(valid, "data.uploadBytes", Mutations.HostileNumbers[random.Next(Mutations.HostileNumbers.Length)]),
                2 => new string('[', 1000) + new string(']', 1000) + " " + i,           // deep nesting, then junk
                3 when i % 12 == 3 => "{\"id\":\"a\",\"id\":\"b" + i + "\"}",                 // duplicate keys
                3 => "{\"\\ud800\":" + i + ",\"id\":\"b\"}",                                 // a lone surrogate as a property name
                4 => "\u0001\u0002 not json " + i,
                _ => Mutations.SetRaw(valid, "id", "\"" + Mutations.HostileIds[random.Next(Mutations.HostileIds.Length)].Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "-h" + i + "\""),
            };
            garbage.Add(raw);
            JsonNode eventsArray = new JsonArray((JsonNode?)JsonValue.Create(raw), JsonValue.Create(valid.ToJsonString()));
            JsonNode data = (i % 4) switch
            {
                0 => JsonValue.Create(eventsArray.ToJsonString())!,                       // double-encoded, as the host sends it
                1 => eventsArray,
                2 => new JsonArray(JsonNode.Parse(valid.ToJsonString()), JsonValue.Create(raw)), // an element that is an object, not a string
                _ => eventsArray,
            };
            var payload = MeterPayload(data,
                sequenceNumbers: i % 5 == 0 ? JsonValue.Create("not an array") : new JsonArray(1L + i, 2L + i),
                enqueued: i % 7 == 0 ? new JsonArray("yesterday", 5) : null,
                context: i % 9 == 0 ? JsonValue.Create("{broken") : null);
            var (status, body) = await PostHandlerAsync("MeterCarrierOffload", Encoding.UTF8.GetBytes(payload.ToJsonString()));
            tally.Add(status, status != 200 ? $"case {i}: {status} {Preview(body)} for {Preview(raw)}" : null);
        }

        // Whole-payload mutations: not an invocation at all. 400 or 200, never 5xx.
        string[] payloads =
        [
            "", "null", "[]", "{}", "{\"Data\":null}", "{\"Data\":{\"events\":42}}", "{\"Data\":{\"events\":\"[1,2\"}}", "{\"Data\":{\"events\":[null,1,true,{}]},\"Metadata\":7}",
            "{\"Data\":{\"events\":" + new string('[', 1000) + new string(']', 1000) + "}}", "{\"Data\":{\"events\":[\"x\"]},\"Data\":{}}",
            "{\"Data\":{\"events\":[\"" + new string('a', 2 * 1024 * 1024) + "\"]}}",
        ];
        foreach (var p in payloads)
        {
            var (status, body) = await PostHandlerAsync("MeterCarrierOffload", Encoding.UTF8.GetBytes(p));
            tally.Add(status, status is not (200 or 400) ? $"payload {Preview(p)}: {status} {Preview(body)}" : null);
        }

        output.WriteLine($"{Soak.HostFuzzCases + payloads.Length} host payloads; {tally}");
        tally.AssertNoFailures();

        // Every element that is not a countable event is in quarantine with its raw text; valid ones counted once.
        var quarantined = (await Quarantine().ListAsync(null, CancellationToken.None)).Select(q => q.Raw).ToHashSet(StringComparer.Ordinal);
        var missing = garbage.Where(g => !quarantined.Contains(g) && !IsCountable(g)).Take(5).ToList();
        Assert.True(missing.Count == 0, "not quarantined: " + string.Join(" | ", missing.Select(Preview)));
        using var health = await platform.Handler.GetAsync("api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>A mutated element that is still a valid event (e.g. a printable hostile id) is counted, not quarantined.</summary>
    private static bool IsCountable(string raw)
    {
        try
        {
            var node = JsonNode.Parse(raw) as JsonObject;
            var id = node?["id"]?.GetValue<string>();
            return id is not null && id.Length is > 0 and <= 128 && id.All(ch => !char.IsControl(ch)) && node!["data"]?["uploadBytes"] is JsonValue v && v.TryGetValue(out long up) && up >= 0 && up <= 10_000_000_000_000;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    [Fact]
    public async Task IngestUsage_MutatedForwardedRequests_NeverA5xx()
    {
        var random = new Random(99);
        string hotspot = PlatformFixture.NewHotspot();
        var tally = new StatusTally();
        string[] contentTypes = ["application/json", "application/cloudevents+json", "application/cloudevents-batch+json", "text/plain", "application/json; charset=latin1", "application/cloudevents+xml", ";;;", ""];
        for (int i = 0; i < Soak.HostFuzzCases && !tally.Full; i++)
        {
            var valid = Mutations.Valid(random, hotspot);
            string body = (i % 6) switch
            {
                0 => valid.ToJsonString(),
                1 => new JsonArray(JsonNode.Parse(valid.ToJsonString()), "x", 1).ToJsonString(),
                2 => "12345",
                3 => "",
                4 => valid.ToJsonString()[..random.Next(1, 50)],
                _ => valid["data"]!.ToJsonString(),
            };
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/usage") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
            string contentType = contentTypes[random.Next(contentTypes.Length)];
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            request.Headers.TryAddWithoutValidation("X-Api-Key", (i % 7) switch { 0 => "", 1 => PlatformFixture.CarrierKey + "x", 2 => PlatformFixture.CarrierKey + "," + PlatformFixture.CarrierKey, _ => PlatformFixture.CarrierKey });
            if (i % 3 == 0)
            {
                // Binary mode with hostile attribute headers.
                request.Headers.TryAddWithoutValidation("ce-specversion", i % 2 == 0 ? "1.0" : "%ZZ");
                request.Headers.TryAddWithoutValidation("ce-id", new string('%', random.Next(0, 40)));
                request.Headers.TryAddWithoutValidation("ce-time", "2026-13-45T99:99:99Z");
                request.Headers.TryAddWithoutValidation("ce-source", i % 4 == 0 ? "carrier-tmo" : "other");
            }

            using var response = await platform.Handler.SendAsync(request);
            int status = (int)response.StatusCode;
            tally.Add(status, status >= 500 ? $"case {i} ({contentType}): {status} {Preview(await response.Content.ReadAsStringAsync())}" : null);
        }

        output.WriteLine($"{Soak.HostFuzzCases} forwarded usage requests; {tally}");
        tally.AssertNoFailures();
        using var health = await platform.Handler.GetAsync("api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private async Task<(int Status, string Body)> PostHandlerAsync(string function, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await platform.Handler.PostAsync(function, content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }


    /// <summary>Lone surrogates and invalid UTF-8: must be a 400 problem (ingestion) or quarantine (metering), never 500.</summary>
    [Fact]
    public async Task LoneSurrogateAndInvalidUtf8_AreRejectedOrQuarantined_NeverA500()
    {
        string hotspot = PlatformFixture.NewHotspot();
        var random = new Random(5);
        foreach (string field in new[] { "id", "type", "time", "datacontenttype", "data.hotspotId", "data.radioAccessTechnology", "data.subscriberHash" })
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Mutations.SetRaw(Mutations.Valid(random, hotspot), field, "\"\\ud800\"")));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
            using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Post, "api/v1/usage", PlatformFixture.CarrierKey, content));
            Assert.True((int)response.StatusCode == 400, $"{field}: {(int)response.StatusCode}");
        }

        var (surrogate, _) = await PostHandlerAsync("MeterCarrierOffload", Encoding.UTF8.GetBytes("{\"Data\":{\"events\":[\"\\ud800\"]}}"));
        Assert.True(surrogate is 200 or 400, $"lone surrogate host payload: {surrogate}");
        var (badUtf8, _) = await PostHandlerAsync("MeterCarrierOffload", [.. "{\"Data\":{\"events\":[\"a"u8, 0xC3, 0x28, .. "\"]}}"u8]);
        Assert.True(badUtf8 is 200 or 400, $"invalid UTF-8 host payload: {badUtf8}");
    }

    // ---------------------------------------------------------------- hostile keys through Table Storage

    [Fact]
    public async Task HostileIds_AcceptedAsFacts_RoundTripThroughTableStorageAndDedupOnResend()
    {
        string hotspot = PlatformFixture.NewHotspot();
        string tag = Guid.NewGuid().ToString("N")[..6];
        string[] printable = ["a/b", "a\\b", "a#b", "a?b", "a|b", "%2F", "..", "'", "\"q\"", "a b", "ü-é-漢字", "🙂", "a\tb" /* tab: rejected */, "<script>", "k|x|y", "~!@$^&*()=+[]{};:,"];
        var events = printable.Select(p => SampleEvents.Carrier(tag + p, hotspot, 10, 5)).ToList();
        var body = new JsonArray(events.Select(e => (JsonNode?)e).ToArray());

        using var first = await platform.PostUsageAsync(PlatformFixture.CarrierKey, body);
        string firstText = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var answer = JsonNode.Parse(firstText)!;
        int accepted = answer["accepted"]!.GetValue<int>();
        var rejected = answer["rejected"]!.AsArray().Select(r => r!["index"]!.GetValue<int>()).ToHashSet();
        Assert.Equal(printable.Length, accepted + rejected.Count);
        Assert.Contains(Array.IndexOf(printable, "a\tb"), rejected); // control characters are not printable
        Assert.True(accepted >= printable.Length - 1, firstText);

        using var again = await platform.PostUsageAsync(PlatformFixture.CarrierKey, JsonNode.Parse(body.ToJsonString())!);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        await platform.DrainAsync();

        var usage = await platform.GetUsageAsync(PlatformFixture.CarrierKey, "meter=offload.sessions&groupBy=hotspot&window=month&from=" + DateTimeOffset.UtcNow.AddDays(-2).ToString("yyyy-MM-dd") + "&to=" + DateTimeOffset.UtcNow.AddDays(2).ToString("yyyy-MM-dd"));
        long sessions = usage["rows"]!.AsArray().Where(r => r!["group"]!["hotspot"]!.GetValue<string>() == hotspot).Sum(r => r!["quantity"]!.GetValue<long>());
        Assert.Equal(accepted, sessions);

        // The identity rows hold the ids back unchanged (escaped keys decode to the original).
        var facts = new TableServiceClient(platform.ConnectionString).GetTableClient(platform.TablePrefix + "facts");
        var stored = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in facts.QueryAsync<TableEntity>(maxPerPage: 1000))
        {
            foreach (var (k, v) in row)
            {
                if (v is string s && s.StartsWith(tag, StringComparison.Ordinal))
                {
                    stored.Add(s);
                }
            }
        }

        foreach (var p in printable.Where((_, i) => !rejected.Contains(i)))
        {
            Assert.Contains(tag + p, stored);
        }

        Assert.DoesNotContain(await Quarantine().ListAsync("carrier-tmo", CancellationToken.None), q => q.Raw.Contains(hotspot, StringComparison.Ordinal));
    }
}
