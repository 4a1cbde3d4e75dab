using Billing.Application.Startup;

namespace Billing.Functions.Tests.Infrastructure;

/// <summary>
/// The local runs' credentials are public (<c>local.settings.sample.json</c>, the README): the webhook secret
/// <c>whsec_dev_local_only</c>, with which anyone can sign a payment, and the <c>dev-…-key</c> API keys. They start the app
/// only against tables on this machine (the storage emulator); a deployment that copied them is stopped at start.
/// </summary>
public class LocalCredentialsStartupTests
{
    /// <summary>A deployment's own ledger seal key (32 bytes, base64).</summary>
    private const string OwnSealKey = "b3duLXNlYWwta2V5LW9mLWEtZGVwbG95bWVudCEhISE=";

    private const string AzureAccount =
        "DefaultEndpointsProtocol=https;AccountName=billingprod;AccountKey=QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=;EndpointSuffix=core.windows.net";

    [Theory]
    [InlineData("Billing:Storage:ConnectionString", AzureAccount)]
    [InlineData("Billing:Storage:ConnectionString", "DefaultEndpointsProtocol=https;AccountName=devstoreaccount1;AccountKey=QUJD;TableEndpoint=https://billing.table.core.windows.net/")]
    [InlineData("Billing:Storage:TableServiceUri", "https://billingprod.table.core.windows.net")]
    public void ValidateSettings_LocalWebhookSecretOnTablesElsewhere_StopsStartNamingIt(string key, string value)
    {
        var settings = Settings(key, value);
        settings["Billing:Partners:Seed"] = "false";

        var ex = Assert.Throws<OptionsValidationException>(() => StartupValidationTests.Build(settings));

        Assert.Contains("Billing:Stripe:WebhookSecret is the public secret of local runs (whsec_dev_local_only)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateSettings_PublicLocalApiKeySeededOnTablesElsewhere_StopsStartNamingIt()
    {
        var settings = Settings("Billing:Storage:ConnectionString", AzureAccount);
        settings["Billing:Stripe:WebhookSecret"] = "whsec_a_deployments_own_secret";

        var ex = Assert.Throws<OptionsValidationException>(() => StartupValidationTests.Build(settings));

        Assert.Contains("Billing:Partners:Items:0:ApiKey is a public key of local runs", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateSettings_OwnCredentialsOnTablesElsewhere_Pass()
    {
        var settings = Settings("Billing:Storage:ConnectionString", AzureAccount);
        settings["Billing:Stripe:WebhookSecret"] = "whsec_a_deployments_own_secret";
        settings["Billing:Partners:Items:0:ApiKey"] = "a-deployments-own-carrier-key";

        StartupValidationTests.Build(settings);
    }

    [Theory]
    [InlineData(null, "Billing:Ledger:SealKey is not set")]
    [InlineData(LedgerSealKeys.LocalKey, "Billing:Ledger:SealKey is the public key of local runs")]
    [InlineData("c2hvcnQ=", "Billing:Ledger:SealKey holds 5 bytes, fewer than 32")]
    public void ValidateSettings_SealKeyMissingLocalOrShortOnTablesElsewhere_StopsStartNamingItNeverEchoingIt(string? key, string message)
    {
        // Before: there was no seal key; anyone with write access to the tables could append evidence the platform honoured.
        var settings = Settings("Billing:Storage:ConnectionString", AzureAccount);
        settings["Billing:Stripe:WebhookSecret"] = "whsec_a_deployments_own_secret";
        settings["Billing:Partners:Items:0:ApiKey"] = "a-deployments-own-carrier-key";
        settings["Billing:Ledger:SealKey"] = key;

        var ex = Assert.Throws<OptionsValidationException>(() => StartupValidationTests.Build(settings));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(LedgerSealKeys.LocalKey, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2hvcnQ", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UseDevelopmentStorage=true")]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=QUJD;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;")]
    [InlineData("AccountName=devstoreaccount1;AccountKey=QUJD;TableEndpoint=http://localhost:10002/devstoreaccount1")]
    [InlineData("AccountName=devstoreaccount1;AccountKey=QUJD;tableendpoint=http://[::1]:10002/devstoreaccount1")]
    public void ValidateSettings_LocalCredentialsOnTheEmulator_Pass(string connectionString) =>
        StartupValidationTests.Build(Settings("Billing:Storage:ConnectionString", connectionString));

    // Every key the sample hands out is known as public: one added to the sample without being listed would start in Azure.
    [Fact]
    public void PublicLocalApiKeys_EveryKeyOfTheLocalSample_Listed()
    {
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "local.settings.sample.json")))!["Values"]!.AsObject();
        var keys = sample.Where(p => p.Key.StartsWith("Billing__Partners__Items__", StringComparison.Ordinal) && p.Key.EndsWith("__ApiKey", StringComparison.Ordinal))
            .Select(p => p.Value!.GetValue<string>()).ToList();

        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.True(PublicLocalCredentials.ApiKeys.Contains(k), $"{k} is not listed"));
        Assert.Equal(StripeOptions.LocalWebhookSecret, sample["Billing__Stripe__WebhookSecret"]!.GetValue<string>());
    }

    private static Dictionary<string, string?> Settings(string key, string value)
    {
        var settings = StartupValidationTests.Valid();
        settings.Remove("Billing:Storage:ConnectionString");
        settings[key] = value;
        settings["Billing:Ledger:SealKey"] = OwnSealKey; // off this machine a deployment has its own
        return settings;
    }
}
