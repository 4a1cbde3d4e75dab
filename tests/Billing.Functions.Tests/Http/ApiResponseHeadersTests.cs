namespace Billing.Functions.Tests.Http;

/// <summary>Headers every answer carries, keyed or not, success or problem, through the DevHost as a browser sees them.</summary>
[Collection(PlatformCollection.Name)]
public class ApiResponseHeadersTests(PlatformFixture platform)
{
    [Theory]
    [InlineData("api/health", null, HttpStatusCode.OK, "application/json")]
    [InlineData("api/openapi.json", null, HttpStatusCode.OK, "application/json")]
    [InlineData("api/v1/me", PlatformFixture.CarrierKey, HttpStatusCode.OK, "application/json")]
    [InlineData("api/v1/invoices?format=csv", PlatformFixture.FinanceKey, HttpStatusCode.OK, "text/csv")]
    [InlineData("api/v1/invoices", "not-a-key", HttpStatusCode.Unauthorized, "application/problem+json")]
    [InlineData("api/v1/partners", PlatformFixture.CarrierKey, HttpStatusCode.Forbidden, "application/problem+json")]
    [InlineData("api/v1/invoices?format=xml", PlatformFixture.FinanceKey, HttpStatusCode.BadRequest, "application/problem+json")]
    [InlineData("api/v1/invoices/INV-nobody-202001", PlatformFixture.FinanceKey, HttpStatusCode.NotFound, "application/problem+json")]
    public async Task AnyAnswer_IsNoSniffSoABrowserNeverRendersItAsAnotherType(string path, string? key, HttpStatusCode status, string type)
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, path, key));

        Assert.Equal((status, type), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var values), $"{path}: no X-Content-Type-Options");
        Assert.Equal(["nosniff"], values);
    }
}
