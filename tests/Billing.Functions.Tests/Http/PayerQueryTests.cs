namespace Billing.Functions.Tests.Http;

/// <summary>
/// Every route that takes <c>?payer=</c>: one that names no partner (a typo, a wrong case) is a 400 naming <c>payer</c> for
/// finance, never an empty answer that reads as "no usage"; a disabled partner keeps its history and is still read. A
/// provider is not told which ids exist.
/// </summary>
[Collection(PlatformCollection.Name)]
public class PayerQueryTests(PlatformFixture platform)
{
    public static TheoryData<string, string> PayerRoutes() => new()
    {
        { "GET", "api/v1/usage?meter=offload.bytes&payer=" },
        { "GET", "api/v1/rollups/verify?month=2026-10&payer=" },
        { "POST", "api/v1/rollups/rebuild?month=2026-10&payer=" },
        { "GET", "api/v1/invoices?period=2026-10&payer=" },
        { "GET", "api/v1/invoices?format=csv&payer=" },
        { "GET", "api/v1/ledger/balances?payer=" },
    };

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(string method, string path, string key, string? json = null)
    {
        using var request = platform.Request(new HttpMethod(method), path, key, json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"));
        using var response = await platform.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(PayerRoutes))]
    public async Task Route_PayerThatIsNoPartner_Returns400NamingPayer(string method, string path)
    {
        var (status, body) = await SendAsync(method, path + "Carrier-TMO", PlatformFixture.FinanceKey);

        Assert.True(status == HttpStatusCode.BadRequest, $"{(int)status}: {body}"); // before: 200 and an empty answer
        var error = Assert.Single(JsonNode.Parse(body)!["errors"]!.AsArray())!;
        Assert.Equal("payer", error["field"]!.GetValue<string>());
        Assert.Contains("'Carrier-TMO' is not a partner", error["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(PayerRoutes))]
    public async Task Route_DisabledPartner_StillReadByFinance(string method, string path)
    {
        string id = "carrier-gone-" + Guid.NewGuid().ToString("N")[..8];
        var partner = new JsonObject { ["id"] = id, ["role"] = "carrier", ["plan"] = "carrier-standard-v1", ["displayName"] = "Gone", ["billingEmail"] = "billing@gone.example" };
        var (created, createdBody) = await SendAsync("POST", "api/v1/partners", PlatformFixture.FinanceKey, partner.ToJsonString());
        Assert.True(created == HttpStatusCode.Created, createdBody);
        var (disabled, disabledBody) = await SendAsync("PATCH", $"api/v1/partners/{id}", PlatformFixture.FinanceKey, """{"status":"disabled"}""");
        Assert.True(disabled == HttpStatusCode.OK, disabledBody);

        var (status, body) = await SendAsync(method, path + id, PlatformFixture.FinanceKey);

        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {body}");
    }

    // A provider reads only what it reported, for any payer: a 400 for an id that names no partner told it which ids exist
    // (finance ids too). It is answered as a payer it never reported for is: nothing.
    [Fact]
    public async Task Usage_ProviderNamingNoPartner_AnsweredAsNoUsage_CarrierNamingAnother_StaysForbidden()
    {
        var (unknown, unknownBody) = await SendAsync("GET", "api/v1/usage?payer=tenant-lba", PlatformFixture.ProviderKey);
        var (finance, financeBody) = await SendAsync("GET", "api/v1/usage?payer=finance", PlatformFixture.ProviderKey);
        var (carrier, _) = await SendAsync("GET", "api/v1/usage?payer=carrier-tmo-typo", PlatformFixture.CarrierKey);

        Assert.True(unknown == HttpStatusCode.OK, $"{(int)unknown}: {unknownBody}");
        Assert.Equal((HttpStatusCode.OK, financeBody), (finance, unknownBody.Replace("tenant-lba", "finance", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Forbidden, carrier); // a payer learns nothing of which ids exist
    }
}
