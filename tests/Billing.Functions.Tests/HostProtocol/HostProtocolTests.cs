using System.Text;
using Azure.Data.Tables;

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

    private static JsonObject HttpReq(string body, string key, bool doubleEncoded)
    {
        var headers = new JsonObject { ["X-Api-Key"] = new JsonArray(key), ["Content-Type"] = new JsonArray("application/json") };
        var req = new JsonObject
        {
            ["Url"] = "http://localhost:7071/api/v1/usage",
            ["Method"] = "POST",
            ["Query"] = new JsonObject(),
            ["Headers"] = headers,
            ["Params"] = new JsonObject(),
            ["Body"] = body,
        };
        return new JsonObject
        {
            ["Data"] = new JsonObject { ["req"] = doubleEncoded ? JsonValue.Create(req.ToJsonString()) : req },
            ["Metadata"] = new JsonObject { ["sys"] = new JsonObject { ["MethodName"] = "IngestUsage" } },
        };
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task IngestUsage_HostPayload_ReturnsHttpResAndEventHubOutputArrays(bool doubleEncoded)
    {
        var carrier = SampleEvents.Carrier("hp-" + Guid.NewGuid(), PlatformFixture.NewHotspot(), 10, 20);
        var compute = SampleEvents.Compute("hp-" + Guid.NewGuid(), "lease-1", "A100", 2, DateTimeOffset.UtcNow.AddHours(-1));

        var response = await InvokeAsync("IngestUsage", HttpReq(new JsonArray(carrier, JsonNode.Parse(compute.ToJsonString())).ToJsonString(), PlatformFixture.CarrierKey, doubleEncoded));

        var res = response["Outputs"]!["res"]!.AsObject();
        Assert.Equal(202, res["statusCode"]!.GetValue<int>());
        Assert.Equal("application/json", res["headers"]!["Content-Type"]!.GetValue<string>());
        var body = JsonNode.Parse(res["body"]!.GetValue<string>())!;
        Assert.Equal(1, body["accepted"]!.GetValue<int>());
        Assert.Equal(1, body["rejected"]![0]!["index"]!.GetValue<int>()); // a carrier may not post compute usage

        var carrierOut = Assert.IsType<JsonArray>(response["Outputs"]!["carrierOffload"]);
        var message = Assert.Single(carrierOut);
        Assert.Equal(carrier["id"]!.GetValue<string>(), JsonNode.Parse(message!.GetValue<string>())!["id"]!.GetValue<string>());
        Assert.Empty(Assert.IsType<JsonArray>(response["Outputs"]!["computeUsage"]));
        Assert.NotNull(response["Logs"]);
    }

    [Fact]
    public async Task IngestUsage_BodyHandedOverAsParsedJson_IsAccepted()
    {
        var carrier = SampleEvents.Carrier("hp-" + Guid.NewGuid(), PlatformFixture.NewHotspot(), 1, 1);
        var payload = HttpReq("", PlatformFixture.CarrierKey, doubleEncoded: false);
        payload["Data"]!["req"]!["Body"] = carrier;

        var response = await InvokeAsync("IngestUsage", payload);

        Assert.Equal(202, response["Outputs"]!["res"]!["statusCode"]!.GetValue<int>());
        Assert.Single(response["Outputs"]!["carrierOffload"]!.AsArray());
    }

    [Fact]
    public async Task IngestUsage_WrongKey_Returns401ProblemWithoutOutputs()
    {
        var response = await InvokeAsync("IngestUsage", HttpReq("[]", "nope-nope-nope", doubleEncoded: false));

        var res = response["Outputs"]!["res"]!;
        Assert.Equal(401, res["statusCode"]!.GetValue<int>());
        Assert.Equal("application/problem+json", res["headers"]!["Content-Type"]!.GetValue<string>());
        Assert.Null(response["Outputs"]!["carrierOffload"]);
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

    [Fact]
    public async Task IngestUsage_InvocationTooLargeToHoldABodyWithinTheLimit_Answers413WithNothingPublished()
    {
        var payload = HttpReq(new string('<', 3 * 1024 * 1024), PlatformFixture.CarrierKey, doubleEncoded: false);

        var response = await InvokeAsync("IngestUsage", payload);

        var res = response["Outputs"]!["res"]!.AsObject();
        Assert.Equal(413, res["statusCode"]!.GetValue<int>());
        Assert.Equal("application/problem+json", res["headers"]!["Content-Type"]!.GetValue<string>());
        Assert.Empty(response["Outputs"]!["carrierOffload"]!.AsArray());
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
