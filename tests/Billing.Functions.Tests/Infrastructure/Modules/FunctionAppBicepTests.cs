using Microsoft.Extensions.Configuration;

namespace Billing.Functions.Tests.Infrastructure.Modules;

/// <summary>infra/modules/functionapp.bicep: the host's identity-based connections, Key Vault references and optional settings, as deployed.</summary>
public class FunctionAppBicepTests
{
    [Fact]
    public void Deployment_HostConnections_UseTheAppIdentityAndNoSecrets()
    {
        var snapshot = TemplateSnapshot.Of();
        var settings = snapshot.AppSettings();
        string storageAccount = (string)snapshot.Single("Microsoft.Storage/storageAccounts")["name"]!;
        string eventHubs = (string)snapshot.Single("Microsoft.EventHub/namespaces")["name"]!;
        var connections = Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "functions", "Billing.Functions"), "function.json", SearchOption.AllDirectories)
            .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!["bindings"]!.AsArray())
            .Select(b => (string?)b!["connection"])
            .OfType<string>()
            .Append("AzureWebJobsStorage")
            .Distinct()
            .ToList();

        foreach (string connection in connections)
        {
            // Identity-based form (<name>__credential / __clientId): a plain <name> setting would be a connection string.
            Assert.False(settings.ContainsKey(connection), $"{connection} is set as a connection string");
            Assert.Equal("managedidentity", settings.GetValueOrDefault($"{connection}__credential"));
            Assert.Equal(TemplateSnapshot.IdentityClientId, settings.GetValueOrDefault($"{connection}__clientId"));
        }

        Assert.Equal(storageAccount, settings["AzureWebJobsStorage__accountName"]);
        Assert.Equal($"{eventHubs}.servicebus.windows.net", settings["EventHubConnection__fullyQualifiedNamespace"]);
        Assert.Equal($"{eventHubs}.servicebus.windows.net", settings["Billing__Publishing__FullyQualifiedNamespace"]);
        Assert.Equal($"https://{storageAccount}.table.core.windows.net/", settings["Billing__Storage__TableServiceUri"]);
        Assert.Equal(TemplateSnapshot.IdentityClientId, settings["AZURE_CLIENT_ID"]); // DefaultAzureCredential of the app's own clients
        Assert.Equal($"ClientId={TemplateSnapshot.IdentityClientId};Authorization=AAD", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(snapshot.AppConfiguration(TemplateSnapshot.SampleSecrets)).Build();
        Assert.Equal(TemplateSnapshot.IdentityClientId, AppInsightsExport.From(configuration)?.ManagedIdentityClientId); // the app's exporters too
        Assert.DoesNotContain(settings, s => s.Value.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase) || s.Value.Contains("SharedAccessKey", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Deployment_SecretSettings_AreKeyVaultReferencesResolvedWithTheAppIdentity()
    {
        var snapshot = TemplateSnapshot.Of();
        var settings = snapshot.AppSettings();
        var site = snapshot.Single("Microsoft.Web/sites");
        string identity = (string)snapshot.Single("Microsoft.ManagedIdentity/userAssignedIdentities")["id"]!;
        string vault = (string)snapshot.Single("Microsoft.KeyVault/vaults")["name"]!;
        var vaultSecrets = snapshot.OfType("Microsoft.KeyVault/vaults/secrets").Select(s => ((string)s["name"]!).Split('/')[1]).ToHashSet();

        foreach (string name in new[] { "Billing__Stripe__SecretKey", "Billing__Stripe__WebhookSecret", "Billing__Solana__TreasuryKeypair", "Billing__Ledger__SealKey" })
        {
            var reference = TemplateSnapshot.KeyVaultReferencePattern().Match(settings[name]);
            Assert.True(reference.Success, $"{name} = {settings[name]}: not a Key Vault reference");
            Assert.Equal(vault, reference.Groups["vault"].Value);
            Assert.Contains(reference.Groups["secret"].Value, vaultSecrets); // the name deploy.sh writes and the README tells operators to set
            Assert.Equal(string.Empty, reference.Groups["version"].Value); // versionless: a rotated secret is picked up without a redeploy
        }

        Assert.Equal(identity, (string?)site["properties"]!["keyVaultReferenceIdentity"]);
        Assert.Contains(identity, site["identity"]!["userAssignedIdentities"]!.AsObject().Select(i => i.Key));
    }

    // The anchor authority's keypair is a secret like the treasury's: never a plain app setting, and only when asked for (unset,
    // the treasury signs anchors).
    [Fact]
    public void Deployment_DedicatedAnchorKeypair_IsAKeyVaultReferenceLikeTheOtherSecretsAndStarts()
    {
        var snapshot = TemplateSnapshot.Of(new Dictionary<string, object> { ["dedicatedAnchorKeypair"] = true });
        var settings = snapshot.AppSettings();
        string vault = (string)snapshot.Single("Microsoft.KeyVault/vaults")["name"]!;
        var vaultSecrets = snapshot.OfType("Microsoft.KeyVault/vaults/secrets").Select(s => ((string)s["name"]!).Split('/')[1]).ToHashSet();

        var reference = TemplateSnapshot.KeyVaultReferencePattern().Match(settings["Billing__Ledger__AnchorKeypair"]);

        Assert.True(reference.Success, $"Billing__Ledger__AnchorKeypair = {settings["Billing__Ledger__AnchorKeypair"]}: not a Key Vault reference");
        Assert.Equal((vault, string.Empty), (reference.Groups["vault"].Value, reference.Groups["version"].Value));
        Assert.Contains(reference.Groups["secret"].Value, vaultSecrets);
        Assert.Contains(reference.Groups["secret"].Value, TemplateSnapshot.SampleSecrets.Keys); // infra/README.md names it with the others
        var configuration = snapshot.AppConfiguration(TemplateSnapshot.SampleSecrets);
        Assert.Equal(TemplateSnapshot.SampleSecrets[reference.Groups["secret"].Value], configuration["Billing:Ledger:AnchorKeypair"]);
        StartupValidationTests.Build(configuration);
        Assert.DoesNotContain("Billing__Ledger__AnchorKeypair", TemplateSnapshot.Of().AppSettings().Keys);
    }

    [Fact]
    public void Deployment_StripeInvoiceSyncOff_LeavesTheKeyUnsetAndStarts()
    {
        var snapshot = TemplateSnapshot.Of(new Dictionary<string, object> { ["stripeInvoiceSync"] = false });

        Assert.DoesNotContain("Billing__Stripe__SecretKey", snapshot.AppSettings().Keys);
        StartupValidationTests.Build(snapshot.AppConfiguration(TemplateSnapshot.SampleSecrets));
    }

    [Fact]
    public void Deployment_TestDeploymentWithAFixedPrice_StartsWithoutAPythAccount()
    {
        var snapshot = TemplateSnapshot.Of(new Dictionary<string, object>
        {
            ["pythPriceAccount"] = "",
            ["additionalAppSettings"] = new Dictionary<string, string> { ["Billing__Burns__FixedPrice"] = "2.50" },
        });

        Assert.DoesNotContain("Billing__Burns__PythPriceAccount", snapshot.AppSettings().Keys); // it would win over the fixed price
        StartupValidationTests.Build(snapshot.AppConfiguration(TemplateSnapshot.SampleSecrets));
    }

    [Fact]
    public void Deployment_InvoiceIssuerDetails_ReachTheInvoicesAsBound()
    {
        var snapshot = TemplateSnapshot.Of(new Dictionary<string, object>
        {
            ["invoiceIssuerAddress"] = new[] { "1 Example Street", "1000 Example City" },
            ["invoiceIssuerEmail"] = "billing@example.net",
        });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(snapshot.AppConfiguration(TemplateSnapshot.SampleSecrets)).Build();

        var issuer = configuration.GetSection(InvoiceIssuerOptions.Section).Get<InvoiceIssuerOptions>()!;

        Assert.Equal(TemplateSnapshot.RequiredSamples["invoiceIssuerName"], issuer.Name);
        Assert.Equal(["1 Example Street", "1000 Example City"], issuer.Address);
        Assert.Equal("billing@example.net", issuer.Email);
        Assert.Null(issuer.TaxId); // not set at all when empty, so nothing prints
        StartupValidationTests.Build(snapshot.AppConfiguration(TemplateSnapshot.SampleSecrets));
    }

    [Fact]
    public void Deployment_PublishingHotPayersAndAdditionalSettings_ReachTheAppAsBound()
    {
        var snapshot = TemplateSnapshot.Of(new Dictionary<string, object>
        {
            ["publishingHotPayers"] = new[] { "carrier-tmo", "carrier-acme" },
            ["additionalAppSettings"] = new Dictionary<string, string> { ["Billing__Burns__Schedule"] = "0 */5 * * * *" },
        });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(snapshot.AppConfiguration(TemplateSnapshot.SampleSecrets)).Build();

        var publishing = new Billing.Publishing.PublishingOptions();
        configuration.GetSection(Billing.Publishing.PublishingOptions.Section).Bind(publishing);

        Assert.Equal(["carrier-tmo", "carrier-acme"], publishing.HotPayers);
        Assert.Equal("0 */5 * * * *", snapshot.AppSettings()["Billing__Burns__Schedule"]); // additionalAppSettings override the defaults
    }
}
