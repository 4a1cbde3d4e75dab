using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace Billing.Functions.Tests;

public class AppInsightsExportTests
{
    private const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-0000000000a1;IngestionEndpoint=http://127.0.0.1:9/";
    private const string ClientId = "11111111-2222-3333-4444-555555555555";

    private static AppInsightsExport? From(string? connectionString, string? authentication) =>
        AppInsightsExport.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = connectionString,
            ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = authentication,
        }).Build());

    [Fact]
    public void From_EntraAuthenticationOfAUserAssignedIdentity_ExportsWithThatManagedIdentity()
    {
        // What infra/modules/functionapp.bicep sets; Application Insights there rejects telemetry without Entra auth.
        var export = From(ConnectionString, $"ClientId={ClientId};Authorization=AAD");

        Assert.NotNull(export);
        Assert.Equal(ConnectionString, export.ConnectionString);
        Assert.Equal(ClientId, export.ManagedIdentityClientId);
        Assert.IsType<ManagedIdentityCredential>(export.Credential);
    }

    [Theory]
    [InlineData("Authorization=AAD")]
    [InlineData(" authorization = aad ; ")]
    public void From_EntraAuthenticationWithoutClientId_ExportsWithTheSystemAssignedIdentity(string authentication)
    {
        var export = From(ConnectionString, authentication);

        Assert.IsType<ManagedIdentityCredential>(export?.Credential);
        Assert.Null(export.ManagedIdentityClientId);
    }

    [Fact]
    public void From_ConnectionStringOnly_ExportsWithTheInstrumentationKey()
    {
        var export = From(ConnectionString, null);

        Assert.NotNull(export);
        Assert.Null(export.Credential);
    }

    [Fact]
    public void From_NoConnectionString_ExportsNothing()
    {
        Assert.Null(From(null, $"ClientId={ClientId};Authorization=AAD"));
    }

    [Theory]
    [InlineData("ClientId=abc")] // no Authorization=AAD: the only kind the host knows
    [InlineData("Authorization=Key")]
    [InlineData("ClientId")]
    [InlineData("Secret=x;Authorization=AAD")]
    public void From_UnknownAuthentication_StopsStartNamingTheSetting(string authentication)
    {
        var e = Assert.Throws<InvalidOperationException>(() => From(ConnectionString, authentication));

        Assert.Contains("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ConnectionString, e.Message, StringComparison.Ordinal);
    }
}
