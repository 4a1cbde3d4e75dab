namespace Billing.Functions.Tests.Http;

/// <summary>
/// A query parameter given twice, on every keyed route, through the DevHost: ASP.NET joins the values with ',', so before
/// this was refused a repeated <c>payer</c> read as the payer "a,b" and answered an empty list, not an error.
/// </summary>
[Collection(PlatformCollection.Name)]
public class SingleValuedQueryTests(PlatformFixture platform)
{
    [Theory]
    [InlineData("api/v1/usage?payer=carrier-tmo&payer=tenant-lab&meter=offload.bytes", "payer")]
    [InlineData("api/v1/usage?payer=carrier-tmo&meter=offload.bytes&meter=offload.sessions", "meter")]
    [InlineData("api/v1/usage?payer=carrier-tmo&groupBy=hotspot&groupBy=rat", "groupBy")] // one comma-separated value, not a repeat
    [InlineData("api/v1/usage?payer=carrier-tmo&PAYER=tenant-lab", "payer")] // names are case-insensitive: one parameter (named as either spelling)
    [InlineData("api/v1/invoices?payer=carrier-tmo&payer=tenant-lab", "payer")]
    [InlineData("api/v1/invoices?period=2026-10&period=2026-11", "period")]
    [InlineData("api/v1/invoices/INV-carrier-tmo-202610?format=pdf&format=pdf", "format")]
    [InlineData("api/v1/ledger/balances?payer=carrier-tmo&payer=tenant-lab", "payer")]
    [InlineData("api/v1/burns?invoiceId=INV-carrier-tmo-202610&invoiceId=INV-tenant-lab-202610", "invoiceId")]
    [InlineData("api/v1/rollups/verify?payer=carrier-tmo&payer=tenant-lab&month=2026-10", "payer")]
    [InlineData("api/v1/quarantine?source=carrier-tmo&source=provider-nodeops", "source")]
    [InlineData("api/v1/audit?from=2026-10-01&from=2026-10-02", "from")]
    [InlineData("api/v1/ledger/entries?limit=1&limit=2", "limit")]
    public async Task RequireRoles_QueryParameterGivenTwice_Returns400NamingIt(string path, string field)
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, path, PlatformFixture.FinanceKey));
        string text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}: {(int)response.StatusCode}: {text}"); // before: 200 for payer, invoiceId, source
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonNode.Parse(text)!["errors"]!.AsArray();
        var error = errors.SingleOrDefault(e => string.Equals(e!["field"]!.GetValue<string>(), field, StringComparison.OrdinalIgnoreCase));
        Assert.True(error is not null, $"{path}: {text}");
        Assert.Contains("more than once", error["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl?.NoStore, $"{path}: Cache-Control '{response.Headers.CacheControl}'");
    }

    [Fact]
    public async Task RequireRoles_QueryParameterGivenTwiceWithoutAKey_Returns401First()
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/invoices?payer=a&payer=b", "not-a-key"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RequireRoles_DistinctQueryParameters_StillAnswered()
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/invoices?payer=carrier-tmo&period=2026-10", PlatformFixture.FinanceKey));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
