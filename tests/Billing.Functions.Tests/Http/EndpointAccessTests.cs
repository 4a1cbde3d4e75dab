namespace Billing.Functions.Tests.Http;

/// <summary>What every authenticated route answers, through the DevHost as a client or a cache in between sees it.</summary>
[Collection(PlatformCollection.Name)]
public class EndpointAccessTests(PlatformFixture platform)
{
    [Theory]
    [InlineData("api/v1/me", PlatformFixture.CarrierKey, HttpStatusCode.OK)]
    [InlineData("api/v1/invoices", PlatformFixture.CarrierKey, HttpStatusCode.OK)]
    [InlineData("api/v1/invoices?format=csv", PlatformFixture.CarrierKey, HttpStatusCode.OK)]
    [InlineData("api/v1/invoices?format=csv", PlatformFixture.FinanceKey, HttpStatusCode.OK)]
    [InlineData("api/v1/partners", PlatformFixture.FinanceKey, HttpStatusCode.OK)]
    [InlineData("api/v1/quarantine", PlatformFixture.CarrierKey, HttpStatusCode.OK)]
    [InlineData("api/v1/invoices", "not-a-key", HttpStatusCode.Unauthorized)]
    [InlineData("api/v1/partners", PlatformFixture.CarrierKey, HttpStatusCode.Forbidden)]
    public async Task RequireRoles_AnyAnswer_IsNoStoreSoNoSharedCacheHandsOnePartnersDataToAnother(string path, string key, HttpStatusCode status)
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, path, key));

        Assert.Equal(status, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, $"{path}: Cache-Control '{response.Headers.CacheControl}'");
    }
}
