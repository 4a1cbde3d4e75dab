using Billing.Tests.Shared;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

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
    public async Task Post_BodyOverOneMebibyte_Returns413()
    {
        var evt = SampleEvents.Carrier("big", PlatformFixture.NewHotspot(), 1, 1);
        evt["pad"] = new string('x', 1024 * 1024);

        var (status, problem, _) = await PostAsync(PlatformFixture.CarrierKey, evt.ToJsonString());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("1 MiB", problem["detail"]!.GetValue<string>());
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
    }

    [Fact]
    public async Task Post_MoreThan1000Events_Returns413()
    {
        var batch = new JsonArray(Enumerable.Range(0, 1001).Select(i => (JsonNode?)new JsonObject { ["id"] = i }).ToArray());

        var (status, problem, _) = await PostAsync(PlatformFixture.CarrierKey, batch.ToJsonString());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("1000", problem["detail"]!.GetValue<string>());
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
