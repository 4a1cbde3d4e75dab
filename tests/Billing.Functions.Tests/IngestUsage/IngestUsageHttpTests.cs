namespace Billing.Functions.Tests.IngestUsage;

/// <summary>POST /api/v1/usage through the DevHost, as partners call it.</summary>
[Collection(PlatformCollection.Name)]
public class IngestUsageHttpTests(PlatformFixture platform)
{
    private async Task<(HttpStatusCode Status, JsonObject Body, string? ContentType)> PostAsync(string? key, string body)
    {
        using var request = platform.Request(HttpMethod.Post, "api/v1/usage", key, new StringContent(body, Encoding.UTF8, "application/json"));
        using var response = await platform.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject(), response.Content.Headers.ContentType?.MediaType);
    }

    private QuarantineStore Quarantine() => new(new BillingTables(new TableServiceClient(platform.ConnectionString), new StorageOptions { TablePrefix = platform.TablePrefix }));

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key-123456")]
    public async Task Post_MissingOrWrongKey_Returns401Problem(string? key)
    {
        var (status, body, type) = await PostAsync(key, SampleEvents.Carrier("k", PlatformFixture.NewHotspot(), 1, 1).ToJsonString());

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal(401, body["status"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"id\":\"a\",\"id\":\"b\"}")]
    [InlineData("{\"\\ud800\":1}")] // a property name that is a lone surrogate (was a 500: the duplicate check threw InvalidOperationException)
    [InlineData("[{\"\\udc00\":1,\"id\":\"a\"}]")]
    [InlineData("\"just a string\"")]
    [InlineData("[]")]
    [InlineData("")]
    public async Task Post_MalformedBody_Returns400ProblemNamingTheBody(string body)
    {
        var (status, problem, type) = await PostAsync(PlatformFixture.CarrierKey, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal("$", problem["errors"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_BodyNotUtf8_Returns400ProblemNamingTheBody()
    {
        // Two ids differing only in an invalid byte both read as "…\ufffd" when decoded leniently: one event, or a conflict.
        string marker = "bad-utf8-" + Guid.NewGuid();
        byte[] text = Encoding.UTF8.GetBytes(SampleEvents.Carrier(marker, PlatformFixture.NewHotspot(), 1, 1).ToJsonString());
        int at = text.AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)) + marker.Length;
        byte[] body = [.. text[..at], 0xFF, .. text[at..]];
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");

        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Post, "api/v1/usage", PlatformFixture.CarrierKey, content));
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("$", problem["errors"]![0]!["field"]!.GetValue<string>());
        Assert.Contains("UTF-8", problem["errors"]![0]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/cloudevents+protobuf", false)] // the protobuf event format the CloudEvents SDKs write
    [InlineData("application/octet-stream", true)] // binary mode whose data is not JSON
    public async Task Post_FormatNotReadWithBytesNotUtf8_Returns415NamingContentType(string contentType, bool binaryMode)
    {
        var content = new ByteArrayContent([0x0A, 0x05, 0x31, 0x2E, 0x30, 0xFF, 0x80, 0x12, 0x01, 0x00]);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        var request = platform.Request(HttpMethod.Post, "api/v1/usage", PlatformFixture.CarrierKey, content);
        if (binaryMode)
        {
            request.Headers.Add("ce-specversion", "1.0");
            request.Headers.Add("ce-id", "bin-" + Guid.NewGuid());
            request.Headers.Add("ce-source", "carrier-tmo");
            request.Headers.Add("ce-type", "depin.carrier.offload.v1");
        }

        using var response = await platform.Client.SendAsync(request);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        // Before: 400 "the body is not UTF-8", which tells the sender to fix bytes it never meant as text, not its format.
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Content-Type", problem["errors"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_BodyOverOneMebibyte_Returns413()
    {
        var evt = SampleEvents.Carrier("big", PlatformFixture.NewHotspot(), 1, 1);
        evt["pad"] = new string('x', 1024 * 1024);

        var (status, problem, _) = await PostAsync(PlatformFixture.CarrierKey, evt.ToJsonString());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("1 MiB", problem["detail"]!.GetValue<string>());
        Assert.Equal("$", problem["errors"]![0]!["field"]!.GetValue<string>()); // what to make smaller, as every 4xx names a field
    }

    [Theory]
    [InlineData('<')] // the host escapes it to six bytes: the invocation was 18 MiB, over the handler's limit (was a 500)
    [InlineData('a')]
    public async Task Post_ThreeMebibyteBody_Returns413Problem(char fill)
    {
        var (status, body, type) = await PostAsync(PlatformFixture.CarrierKey, new string(fill, 3 * 1024 * 1024));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal(413, body["status"]!.GetValue<int>());
        Assert.Equal("$", body["errors"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_MoreThan1000Events_Returns413()
    {
        var batch = new JsonArray(Enumerable.Range(0, 1001).Select(i => (JsonNode?)new JsonObject { ["id"] = i }).ToArray());

        var (status, problem, _) = await PostAsync(PlatformFixture.CarrierKey, batch.ToJsonString());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("1000", problem["detail"]!.GetValue<string>());
        Assert.Equal("$", problem["errors"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_EventForAnotherPayer_IsRejectedEntryWhileValidOnesAreAccepted()
    {
        string hotspot = PlatformFixture.NewHotspot();
        var own = SampleEvents.Carrier("own-" + Guid.NewGuid(), hotspot, 1, 1);
        var foreign = SampleEvents.Carrier("foreign-" + Guid.NewGuid(), hotspot, 1, 1, source: "carrier-other");

        var (status, body, _) = await PostAsync(PlatformFixture.CarrierKey, new JsonArray(own, foreign).ToJsonString());

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(1, body["accepted"]!.GetValue<int>());
        var rejected = Assert.Single(body["rejected"]!.AsArray())!;
        Assert.Equal(1, rejected["index"]!.GetValue<int>());
        Assert.Equal(foreign["id"]!.GetValue<string>(), rejected["id"]!.GetValue<string>());
        Assert.Contains("source: must be the posting partner's id", rejected["errors"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_BatchRepeatingAnIdWithOtherContent_RejectsTheRepeatAndMetersTheFirstWithoutAConflict()
    {
        string hotspot = PlatformFixture.NewHotspot();
        string id = "dup-" + Guid.NewGuid();
        var first = SampleEvents.Carrier(id, hotspot, 100_000, 0);
        var changed = SampleEvents.Carrier(id, hotspot, 900_000, 0);

        var (status, body, _) = await PostAsync(PlatformFixture.CarrierKey, new JsonArray(first, changed).ToJsonString());

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(1, body["accepted"]!.GetValue<int>());
        var rejected = Assert.Single(body["rejected"]!.AsArray())!;
        Assert.Equal(1, rejected["index"]!.GetValue<int>());
        Assert.StartsWith("id: repeats the id of event 0", rejected["errors"]![0]!.GetValue<string>());
        await platform.DrainAsync();
        var quarantined = await Quarantine().ListAsync("carrier-tmo", CancellationToken.None);
        Assert.DoesNotContain(quarantined, q => q.EventId == id); // before: accepted twice, the second set aside as a conflict
    }

    [Fact]
    public async Task Post_OnlyInvalidEvents_Returns400WithEveryRejection()
    {
        var bad = SampleEvents.Carrier("bad-" + Guid.NewGuid(), "not-a-key", 1, 1);

        var (status, problem, _) = await PostAsync(PlatformFixture.CarrierKey, bad.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(0, problem["accepted"]!.GetValue<int>());
        Assert.Contains(problem["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == "data.hotspotId");
        Assert.Single(problem["rejected"]!.AsArray());
    }

    [Theory]
    [InlineData(PlatformFixture.TenantKey, "tenant")]
    [InlineData(PlatformFixture.FinanceKey, "finance")]
    public async Task Post_NonPostingRole_Returns403(string key, string role)
    {
        var (status, problem, _) = await PostAsync(key, SampleEvents.Carrier("r", PlatformFixture.NewHotspot(), 1, 1).ToJsonString());

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains(role, problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("application/cloudevents+json; charset=utf-8", false, HttpStatusCode.Accepted)]
    [InlineData("application/cloudevents-batch+json; charset=UTF-8", true, HttpStatusCode.Accepted)]
    [InlineData("application/cloudevents+json", true, HttpStatusCode.UnsupportedMediaType)]
    [InlineData("text/plain", false, HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/jsonx", false, HttpStatusCode.UnsupportedMediaType)]
    public async Task Post_ContentTypeThroughTheHost_DecidesTheContentMode(string contentType, bool batch, HttpStatusCode expected)
    {
        var evt = SampleEvents.Carrier("ct-" + Guid.NewGuid(), PlatformFixture.NewHotspot(), 1, 1);
        var content = new StringContent(batch ? new JsonArray(evt).ToJsonString() : evt.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Post, "api/v1/usage", PlatformFixture.CarrierKey, content));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.UnsupportedMediaType)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Content-Type", body["errors"]![0]!["field"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Post_BinaryModeThenStructured_SameEventIsOneDuplicateMeteredOnce()
    {
        string hotspot = PlatformFixture.NewHotspot();
        string id = "bin-" + Guid.NewGuid();
        var t = DateTimeOffset.UtcNow.AddMinutes(-10);
        t = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, TimeSpan.Zero);
        var evt = SampleEvents.Carrier(id, hotspot, 1_000, 234, t);
        evt["subject"] = "hotspot/" + hotspot;

        // Binary mode (HTTP binding 3.1): attributes as ce-* headers, the body is data; the time written with an offset.
        var binary = platform.Request(HttpMethod.Post, "api/v1/usage", PlatformFixture.CarrierKey, new StringContent(evt["data"]!.ToJsonString(), Encoding.UTF8, "application/json"));
        binary.Headers.Add("ce-specversion", "1.0");
        binary.Headers.Add("ce-id", id);
        binary.Headers.Add("ce-source", "carrier-tmo");
        binary.Headers.Add("ce-type", "depin.carrier.offload.v1");
        binary.Headers.Add("ce-time", t.ToOffset(TimeSpan.FromHours(-7)).ToString("yyyy-MM-dd'T'HH:mm:ss'.000000000'zzz", System.Globalization.CultureInfo.InvariantCulture));
        binary.Headers.Add("ce-subject", "hotspot%2F" + hotspot);
        binary.Headers.Add("ce-traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        using var first = await platform.Client.SendAsync(binary);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        using var again = await platform.PostUsageAsync(PlatformFixture.CarrierKey, new JsonArray(evt));
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        await platform.DrainAsync();

        string range = $"from={SampleEvents.Time(t.AddHours(-1))}&to={SampleEvents.Time(t.AddHours(1))}&window=day&groupBy=hotspot";
        var bytes = await platform.GetUsageAsync(PlatformFixture.CarrierKey, range);
        var sessions = await platform.GetUsageAsync(PlatformFixture.FinanceKey, "payer=carrier-tmo&meter=offload.sessions&" + range);
        Assert.Equal(1_234, bytes["rows"]!.AsArray().Where(r => r!["group"]!["hotspot"]!.GetValue<string>() == hotspot).Sum(r => r!["quantity"]!.GetValue<long>()));
        Assert.Equal(1, sessions["rows"]!.AsArray().Where(r => r!["group"]!["hotspot"]!.GetValue<string>() == hotspot).Sum(r => r!["quantity"]!.GetValue<long>()));
        Assert.DoesNotContain(await Quarantine().ListAsync("carrier-tmo", CancellationToken.None), q => q.Raw.Contains(hotspot, StringComparison.Ordinal)); // a duplicate, not a conflict
    }

    [Fact]
    public async Task Get_UnknownRoute_Returns404()
    {
        using var response = await platform.Client.GetAsync("api/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Health_ReturnsOk()
    {
        Assert.Equal("{\"status\":\"ok\"}", await platform.Client.GetStringAsync("api/health"));
    }
}
