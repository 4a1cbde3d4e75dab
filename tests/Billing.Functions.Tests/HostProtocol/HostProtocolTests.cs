namespace Billing.Functions.Tests.HostProtocol;

/// <summary>Posts the exact custom-handler payloads the Functions host sends, in both plain and double-encoded forms.</summary>
[Collection(PlatformCollection.Name)]
public class HostProtocolTests(PlatformFixture platform)
{
    private async Task<JsonObject> InvokeAsync(string function, JsonObject payload)
    {
        using var response = await platform.Handler.PostAsync(function, new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task<HttpResponseMessage> PostUsageToHandlerAsync(string body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/usage") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Api-Key", key);
        return await platform.Handler.SendAsync(request);
    }

    /// <summary>Every event the DevHost's <paramref name="hub"/> holds, with the partition it landed in and its key.</summary>
    private List<(string Partition, string? Key, JsonNode Event)> HubEvents(string hub) =>
        platform.Host.Broker.GetHub(hub).Partitions
            .SelectMany(p => p.Read(0, int.MaxValue).Select(e => (p.Id, e.PartitionKey, JsonNode.Parse(e.Body)!)))
            .ToList();

    [Fact]
    public async Task IngestUsage_ForwardedRequest_PublishesKeyedByPayerBeforeAnswering202()
    {
        string id = "hp-" + Guid.NewGuid();
        var carrier = SampleEvents.Carrier(id, PlatformFixture.NewHotspot(), 10, 20);
        var compute = SampleEvents.Compute("hp-" + Guid.NewGuid(), "lease-1", "A100", 2, DateTimeOffset.UtcNow.AddHours(-1));

        using var response = await PostUsageToHandlerAsync(new JsonArray(carrier, JsonNode.Parse(compute.ToJsonString())).ToJsonString(), PlatformFixture.CarrierKey);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(1, body["accepted"]!.GetValue<int>());
        Assert.Equal(1, body["rejected"]![0]!["index"]!.GetValue<int>()); // a carrier may not post compute usage
        // Published before the answer: the hub already holds it, under the payer's key, in that key's one partition.
        var published = Assert.Single(HubEvents("carrier-offload"), e => e.Event["id"]?.GetValue<string>() == id);
        Assert.Equal("carrier-tmo", published.Key);
        Assert.All(HubEvents("carrier-offload").Where(e => e.Key == "carrier-tmo"), e => Assert.Equal(published.Partition, e.Partition));
    }

    [Fact]
    public async Task IngestUsage_WrongKey_Returns401ProblemWithNothingPublished()
    {
        string id = "hp-" + Guid.NewGuid();

        using var response = await PostUsageToHandlerAsync(SampleEvents.Carrier(id, PlatformFixture.NewHotspot(), 1, 1).ToJsonString(), "nope-nope-nope");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.DoesNotContain(HubEvents("carrier-offload"), e => e.Event["id"]?.GetValue<string>() == id);
    }

    [Fact]
    public async Task IngestUsage_BodyOverTheLimit_Answers413Problem()
    {
        using var response = await PostUsageToHandlerAsync(new string('<', 3 * 1024 * 1024), PlatformFixture.CarrierKey);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("1 MiB", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static JsonObject EventHubPayload(IEnumerable<JsonNode> events, bool doubleEncoded, DateTimeOffset enqueued)
    {
        var texts = new JsonArray(events.Select(e => (JsonNode?)JsonValue.Create(e.ToJsonString())).ToArray());
        var times = new JsonArray(texts.Select(_ => (JsonNode?)JsonValue.Create(enqueued.UtcDateTime.ToString("O"))).ToArray());
        var seq = new JsonArray(texts.Select((_, i) => (JsonNode?)JsonValue.Create((long)i)).ToArray());
        var context = new JsonObject { ["EventHubName"] = "carrier-offload", ["ConsumerGroup"] = "$Default", ["PartitionId"] = "2" };
        JsonNode Enc(JsonNode n) => doubleEncoded ? JsonValue.Create(n.ToJsonString()) : n;
        return new JsonObject
        {
            ["Data"] = new JsonObject { ["events"] = Enc(texts) },
            ["Metadata"] = new JsonObject
            {
                ["PartitionContext"] = Enc(context),
                ["EnqueuedTimeUtcArray"] = Enc(times),
                ["SequenceNumberArray"] = Enc(seq),
                ["PropertiesArray"] = Enc(new JsonArray(texts.Select(_ => (JsonNode?)new JsonObject()).ToArray())),
                ["SystemPropertiesArray"] = Enc(new JsonArray(texts.Select(_ => (JsonNode?)new JsonObject()).ToArray())),
                ["sys"] = new JsonObject { ["MethodName"] = "MeterCarrierOffload" },
            },
        };
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MeterCarrierOffload_HostBatch_WritesFactsOnceAndReportsSummary(bool doubleEncoded)
    {
        string hotspot = PlatformFixture.NewHotspot();
        var events = Enumerable.Range(0, 5).Select(i => (JsonNode)SampleEvents.Carrier($"m-{hotspot}-{i}", hotspot, 100, 1)).ToList();
        var payload = EventHubPayload(events, doubleEncoded, DateTimeOffset.UtcNow);

        var first = await InvokeAsync("MeterCarrierOffload", payload);
        var again = await InvokeAsync("MeterCarrierOffload", payload);

        Assert.Equal(5, first["ReturnValue"]!["Inserted"]!.GetValue<int>());
        Assert.Equal((0, 5), (again["ReturnValue"]!["Inserted"]!.GetValue<int>(), again["ReturnValue"]!["Duplicates"]!.GetValue<int>()));
        var usage = await platform.GetUsageAsync(PlatformFixture.CarrierKey, "groupBy=hotspot&window=month");
        Assert.Equal(505, usage["rows"]!.AsArray().Where(r => r!["group"]!["hotspot"]!.GetValue<string>() == hotspot).Sum(r => r!["quantity"]!.GetValue<long>()));
    }

    [Fact]
    public async Task MeterCarrierOffload_InvalidAndWrongHubEvents_LandInQuarantineWithRawPayload()
    {
        string hotspot = PlatformFixture.NewHotspot();
        var bad = SampleEvents.Carrier("q-" + Guid.NewGuid(), hotspot, -1, 0);
        var wrongHub = SampleEvents.Compute("q-" + Guid.NewGuid(), "lease-q", "H100", 1, DateTimeOffset.UtcNow.AddHours(-2));
        var good = SampleEvents.Carrier("q-" + Guid.NewGuid(), hotspot, 1, 1);
        var payload = EventHubPayload([bad, wrongHub, good, JsonValue.Create("not json {")!], doubleEncoded: true, DateTimeOffset.UtcNow);
        payload["Data"]!["events"] = JsonValue.Create(new JsonArray(bad.ToJsonString(), wrongHub.ToJsonString(), good.ToJsonString(), "not json {").ToJsonString());

        var result = await InvokeAsync("MeterCarrierOffload", payload);

        Assert.Equal((1, 3), (result["ReturnValue"]!["Inserted"]!.GetValue<int>(), result["ReturnValue"]!["Quarantined"]!.GetValue<int>()));
        var quarantine = new QuarantineStore(new BillingTables(new TableServiceClient(platform.ConnectionString), new StorageOptions { TablePrefix = platform.TablePrefix }));
        var rows = await quarantine.ListAsync(null, CancellationToken.None);
        var badRow = Assert.Single(rows, r => r.EventId == bad["id"]!.GetValue<string>());
        Assert.Equal(bad.ToJsonString(), badRow.Raw);
        Assert.Contains(badRow.Reasons, r => r.StartsWith("data.uploadBytes", StringComparison.Ordinal));
        Assert.Equal("2", badRow.PartitionId);
        Assert.Contains(rows, r => r.EventId == wrongHub["id"]!.GetValue<string>() && r.Reasons.Any(x => x.Contains("does not belong on hub")));
        Assert.Contains(rows, r => r.Raw == "not json {" && r.Kind == QuarantineKind.Malformed);
    }

    [Fact]
    public async Task MeterCarrierOffload_LargeBatchWithBadEventsThroughout_QuarantinesEachWithItsOwnSequenceNumber()
    {
        // Every tenth event invalid across a batch of the size partners send: each quarantine record is the event's own.
        string hotspot = PlatformFixture.NewHotspot();
        var events = Enumerable.Range(0, 600)
            .Select(i => (JsonNode)SampleEvents.Carrier($"lb-{hotspot}-{i}", hotspot, i % 10 == 7 ? -1 : 10 + i, 0))
            .ToList();
        var payload = EventHubPayload(events, doubleEncoded: true, DateTimeOffset.UtcNow);

        var result = await InvokeAsync("MeterCarrierOffload", payload);

        Assert.Equal((540, 60), (result["ReturnValue"]!["Inserted"]!.GetValue<int>(), result["ReturnValue"]!["Quarantined"]!.GetValue<int>()));
        var quarantine = new QuarantineStore(new BillingTables(new TableServiceClient(platform.ConnectionString), new StorageOptions { TablePrefix = platform.TablePrefix }));
        var rows = (await quarantine.ListAsync(null, CancellationToken.None)).Where(r => r.EventId?.StartsWith($"lb-{hotspot}-", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(60, rows.Count);
        Assert.All(rows, r => Assert.Equal($"lb-{hotspot}-{r.SequenceNumber}", r.EventId));
        Assert.All(rows, r => Assert.Equal(events[(int)r.SequenceNumber!.Value]!.ToJsonString(), r.Raw));
        var usage = await platform.GetUsageAsync(PlatformFixture.CarrierKey, "groupBy=hotspot&window=month");
        long expected = Enumerable.Range(0, 600).Where(i => i % 10 != 7).Sum(i => 10L + i);
        Assert.Equal(expected, usage["rows"]!.AsArray().Where(r => r!["group"]!["hotspot"]!.GetValue<string>() == hotspot).Sum(r => r!["quantity"]!.GetValue<long>()));
    }

    [Fact]
    public async Task MeterCarrierOffload_40EventsPaddedTo63KiBWithAngleBrackets_AreAllMetered()
    {
        // '<' is six bytes after the host's first JSON encoding and seven after the second: this invocation is ~17 MiB,
        // past the handler's former 8 MiB limit, which failed it on every retry and stopped the partition.
        string hotspot = PlatformFixture.NewHotspot();
        var events = Enumerable.Range(0, 40).Select(i => (JsonNode)SampleEvents.Carrier($"pad-{hotspot}-{i}", hotspot, 1000 + i, 0)).ToList();
        var payload = EventHubPayload(events, doubleEncoded: true, DateTimeOffset.UtcNow);
        var texts = events.Select(e => e.ToJsonString()[..^1] + ",\"padding\":\"" + new string('<', 63_000) + "\"}"); // as partners send it: '<' unescaped
        payload["Data"]!["events"] = JsonValue.Create(new JsonArray(texts.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()).ToJsonString());

        var result = await InvokeAsync("MeterCarrierOffload", payload);

        Assert.Equal((40, 0), (result["ReturnValue"]!["Inserted"]!.GetValue<int>(), result["ReturnValue"]!["Quarantined"]!.GetValue<int>()));
        var usage = await platform.GetUsageAsync(PlatformFixture.CarrierKey, "groupBy=hotspot&window=month");
        Assert.Equal(40 * 1000 + (39 * 40 / 2), usage["rows"]!.AsArray().Where(r => r!["group"]!["hotspot"]!.GetValue<string>() == hotspot).Sum(r => r!["quantity"]!.GetValue<long>()));
    }

    [Fact]
    public void HostJson_MaxEventBatchSize_IsWithinWhatTheHandlerAccepts()
    {
        var hostJson = JsonNode.Parse(File.ReadAllText(Path.Combine(PlatformFixture.AppDirectory(), "host.json")))!;

        int batch = hostJson["extensions"]!["eventHubs"]!["maxEventBatchSize"]!.GetValue<int>();

        Assert.InRange(batch, 1, Billing.Functions.HostProtocol.HandlerLimits.MaxEventBatchSize);
    }

    [Theory]
    [InlineData("{oops")]
    [InlineData("{\"Data\":{},\"Data\":{}}")]
    [InlineData("{\"\\ud800\":1,\"Data\":{}}")]
    public async Task Invocation_PayloadNotJson_Returns400(string payload)
    {
        using var response = await platform.Handler.PostAsync("MeterCarrierOffload", new StringContent(payload, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }
}
