namespace Billing.Functions.Tests.Http;

/// <summary>
/// The routes that take a JSON body, called with another Content-Type (or none), through the DevHost: before, routing
/// dropped the route for such a request and the fallback answered 404 "no route for …", as if the route did not exist.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class JsonBodyTests(PlatformFixture platform)
{
    // A field no route takes: each route refuses it (400 naming it) before it looks anything up, so nothing changes.
    private const string Unknown = "notAField";

    /// <summary>Each route taking a JSON body, with ids no row has.</summary>
    public static TheoryData<string, string> Routes() => new()
    {
        { "POST", "api/v1/ledger/reconcile/acknowledgements" },
        { "POST", "api/v1/burns/no-such-burn/release" },
        { "POST", "api/v1/partners" },
        { "PATCH", "api/v1/partners/no-such-partner" },
    };

    private async Task<(HttpStatusCode Status, string? MediaType, JsonNode? Body)> SendAsync(string method, string path, string? key, string? contentType)
    {
        var content = new StringContent($"{{\"{Unknown}\":1}}", Encoding.UTF8);
        content.Headers.ContentType = contentType is null ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        using var response = await platform.Client.SendAsync(platform.Request(new HttpMethod(method), path, key, content));
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task AcceptsJson_OtherOrNoContentType_Returns415NamingWhatWasSent(string method, string path)
    {
        foreach (string? contentType in new[] { "text/plain", "application/x-www-form-urlencoded", "text/json", "application/jsonx", null })
        {
            var (status, mediaType, body) = await SendAsync(method, path, PlatformFixture.FinanceKey, contentType);

            Assert.True(status == HttpStatusCode.UnsupportedMediaType, $"{method} {path} with {contentType ?? "no Content-Type"}: {(int)status} {body?.ToJsonString()}");
            Assert.Equal("application/problem+json", mediaType);
            string detail = body!["detail"]!.GetValue<string>();
            Assert.Contains("application/json", detail, StringComparison.Ordinal);
            Assert.Contains(contentType ?? "no Content-Type", detail, StringComparison.Ordinal);
            var error = Assert.Single(body["errors"]!.AsArray());
            Assert.Equal("Content-Type", error!["field"]!.GetValue<string>());
        }
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task AcceptsJson_WrongContentTypeAndWrongKeyOrQuery_KeyThenQueryCheckedFirst(string method, string path)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(method, path, null, "text/plain")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(method, path, "not-a-key", null)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(method, path, PlatformFixture.CarrierKey, "text/plain")).Status);
        var (status, _, body) = await SendAsync(method, path + "?notAParameter=1", PlatformFixture.FinanceKey, "text/plain");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("notAParameter", Assert.Single(body!["errors"]!.AsArray())!["field"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task AcceptsJson_JsonWithOrWithoutCharset_ReachesTheRoute(string method, string path)
    {
        foreach (string contentType in new[] { "application/json", "application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json" })
        {
            var (status, _, body) = await SendAsync(method, path, PlatformFixture.FinanceKey, contentType);

            Assert.True(status == HttpStatusCode.BadRequest, $"{method} {path} with {contentType}: {(int)status} {body?.ToJsonString()}");
            Assert.Contains(body!["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == Unknown);
        }
    }
}
