using System.Text.RegularExpressions;

namespace Billing.Functions.Tests.Infrastructure;

/// <summary>
/// What a deployment of infra/main.bicep creates, as the Bicep CLI predicts it (<c>bicep snapshot</c>: the compiled ARM
/// template evaluated locally for given parameters, no Azure involved). Values only known at deployment time stay ARM
/// expressions; <see cref="AppSettings"/> evaluates them with <see cref="RuntimeProperties"/>. One snapshot per distinct
/// parameter set per test run.
/// </summary>
internal sealed partial class TemplateSnapshot
{
    public const string SubscriptionId = "00000000-0000-0000-0000-00000000a001";
    public const string ResourceGroup = "rg-billing";
    public const string Location = "westeurope";

    /// <summary>The identity's client id as <see cref="RuntimeProperties"/> reports it.</summary>
    public const string IdentityClientId = "11111111-2222-3333-4444-555555555555";

    private static readonly ConcurrentDictionary<string, Lazy<TemplateSnapshot>> Cache = new();
    private static readonly Lazy<JsonObject> Compiled = new(() => JsonNode.Parse(BicepCli.Run(RepositoryRoot.Path, "build", BicepCli.MainBicep, "--stdout"))!.AsObject());

    private TemplateSnapshot(JsonObject snapshot)
    {
        Resources = snapshot["predictedResources"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Outputs = snapshot["outputs"]!.AsObject();
    }

    /// <summary>Sample values of main.bicep's required parameters (those without a default): a deployment must name each.</summary>
    public static IReadOnlyDictionary<string, object> RequiredSamples { get; } = new Dictionary<string, object>
    {
        ["solanaRpcUrl"] = "https://api.devnet.solana.com",
        ["solanaMint"] = "Gh9ZwEmdLJ8DscKNTkTqPbNwLNNBjuSzaG9Vp2KGtKJr",
        ["pythPriceAccount"] = "J83w4HKfqxwcq3BEMMkPFSppX3gqekLyLJBexebFVkix",
        ["invoiceIssuerName"] = "Example Networks Ltd",
    };

    public IReadOnlyList<JsonObject> Resources { get; }

    public JsonObject Outputs { get; }

    /// <summary>The compiled ARM template (<c>bicep build</c>).</summary>
    public static JsonObject Template => Compiled.Value;

    /// <summary>main.bicep's parameters that have no default value.</summary>
    public static IReadOnlyList<string> RequiredParameters() =>
        Template["parameters"]!.AsObject().Where(p => p.Value!["defaultValue"] is null && p.Value["nullable"] is null).Select(p => p.Key).ToList();

    /// <summary>The snapshot of a deployment with the required parameters (<see cref="RequiredSamples"/>) and <paramref name="parameters"/>.</summary>
    public static TemplateSnapshot Of(IReadOnlyDictionary<string, object>? parameters = null)
    {
        var all = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (string name in RequiredParameters())
        {
            all[name] = RequiredSamples.TryGetValue(name, out object? sample)
                ? sample
                : throw new InvalidOperationException($"main.bicep requires parameter '{name}': add a sample to {nameof(TemplateSnapshot)}.{nameof(RequiredSamples)}.");
        }

        foreach (var (name, value) in parameters ?? new Dictionary<string, object>())
        {
            all[name] = value;
        }

        string file = string.Concat(all.Select(p => $"param {p.Key} = {Literal(p.Value)}\n"));
        return Cache.GetOrAdd(file, f => new Lazy<TemplateSnapshot>(() => Create(f))).Value;
    }

    public IEnumerable<JsonObject> OfType(string type) => Resources.Where(r => (string?)r["type"] == type);

    public JsonObject Single(string type) => Assert.Single(OfType(type));

    /// <summary>The function app's settings as the deployment writes them, ARM expressions evaluated.</summary>
    public IReadOnlyDictionary<string, string> AppSettings()
    {
        var settings = Single("Microsoft.Web/sites")["properties"]!["siteConfig"]!["appSettings"]!.AsArray();
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in settings)
        {
            string name = (string)setting!["name"]!;
            Assert.True(byName.TryAdd(name, ArmExpression.Evaluate((string)setting["value"]!, RuntimeProperties)), $"app setting {name} is set twice");
        }

        return byName;
    }

    /// <summary>
    /// The configuration the app reads in Azure: every app setting as an environment variable (<c>__</c> → <c>:</c>), Key
    /// Vault references resolved from <paramref name="secrets"/> by secret name. A reference to a secret that is not there
    /// stays its literal text, which is what App Service hands the app.
    /// </summary>
    public Dictionary<string, string?> AppConfiguration(IReadOnlyDictionary<string, string> secrets) =>
        AppSettings().ToDictionary(
            s => s.Key.Replace("__", ":", StringComparison.Ordinal),
            string? (s) => KeyVaultReferencePattern().Match(s.Value) is { Success: true } r && secrets.TryGetValue(r.Groups["secret"].Value, out string? secret) ? secret : s.Value);

    /// <summary>Well-formed values of the Key Vault secrets the operator sets (infra/README.md, Secrets).</summary>
    public static IReadOnlyDictionary<string, string> SampleSecrets { get; } = new Dictionary<string, string>
    {
        ["stripe-secret-key"] = "sk_test_" + new string('a', 24),
        ["stripe-webhook-secret"] = "whsec_" + new string('b', 32),
        ["solana-treasury-keypair"] = KeypairJson(7),
        ["ledger-anchor-keypair"] = KeypairJson(9),
    };

    private static string KeypairJson(byte fill)
    {
        byte[] seed = Enumerable.Repeat(fill, Billing.Solana.Keys.Keypair.SeedLength).ToArray();
        using var keypair = Billing.Solana.Keys.Keypair.FromSeed(seed);
        return JsonSerializer.Serialize(seed.Concat(keypair.PublicKey.KeyBytes.ToArray()).Select(b => (int)b));
    }

    /// <summary>
    /// What <c>reference(id)</c> returns once the resource exists, in the shape Azure documents for each type (the values
    /// are made up, the names follow the resource's).
    /// </summary>
    public static JsonObject RuntimeProperties(string resourceId)
    {
        var match = ResourceIdPattern().Match(resourceId);
        Assert.True(match.Success, $"not a resource id of this resource group: {resourceId}");
        string type = match.Groups["type"].Value, name = match.Groups["name"].Value;
        return type switch
        {
            "Microsoft.ManagedIdentity/userAssignedIdentities" => new JsonObject { ["clientId"] = IdentityClientId, ["principalId"] = "99999999-8888-7777-6666-555555555555" },
            "Microsoft.KeyVault/vaults" => new JsonObject { ["vaultUri"] = $"https://{name}.vault.azure.net/" },
            "Microsoft.EventHub/namespaces" => new JsonObject { ["serviceBusEndpoint"] = $"https://{name}.servicebus.windows.net:443/" },
            "Microsoft.Storage/storageAccounts" => new JsonObject
            {
                ["primaryEndpoints"] = new JsonObject
                {
                    ["blob"] = $"https://{name}.blob.core.windows.net/",
                    ["queue"] = $"https://{name}.queue.core.windows.net/",
                    ["table"] = $"https://{name}.table.core.windows.net/",
                },
            },
            // The real one names the region's ingestion endpoint; a loopback one keeps any exporter a test builds off the network.
            "Microsoft.Insights/components" => new JsonObject { ["ConnectionString"] = "InstrumentationKey=00000000-0000-0000-0000-0000000000a1;IngestionEndpoint=http://127.0.0.1:9/" },
            "Microsoft.Web/sites" => new JsonObject { ["defaultHostName"] = $"{name}.azurewebsites.net" },
            _ => throw new NotSupportedException($"reference() of a {type} is not modelled by the infra tests"),
        };
    }

    private static TemplateSnapshot Create(string parameterLines)
    {
        var dir = Directory.CreateTempSubdirectory("bicep-snapshot-");
        try
        {
            string main = Path.GetRelativePath(dir.FullName, BicepCli.MainBicep).Replace('\\', '/');
            File.WriteAllText(Path.Combine(dir.FullName, "test.bicepparam"), $"using '{main}'\n\n{parameterLines}");
            BicepCli.Run(dir.FullName, "snapshot", "test.bicepparam", "--mode", "overwrite", "--subscription-id", SubscriptionId,
                "--resource-group", ResourceGroup, "--location", Location, "--tenant-id", "00000000-0000-0000-0000-00000000a002");
            return new TemplateSnapshot(JsonNode.Parse(File.ReadAllText(Path.Combine(dir.FullName, "test.snapshot.json")))!.AsObject());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string Literal(object value) => value switch
    {
        string s => $"'{s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'",
        bool b => b ? "true" : "false",
        int n => n.ToString(CultureInfo.InvariantCulture),
        IEnumerable<KeyValuePair<string, string>> map => $"{{\n{string.Concat(map.Select(p => $"  '{p.Key}': {Literal(p.Value)}\n"))}}}",
        IEnumerable<object> items => $"[\n{string.Concat(items.Select(i => $"  {Literal(i)}\n"))}]",
        _ => throw new NotSupportedException($"parameter value {value.GetType().Name}"),
    };

    /// <summary>A versionless or versioned Key Vault reference (App Service syntax).</summary>
    [GeneratedRegex(@"^@Microsoft\.KeyVault\(SecretUri=https://(?<vault>[A-Za-z0-9-]+)\.vault\.azure\.net/secrets/(?<secret>[A-Za-z0-9-]+)/(?<version>[0-9a-f]{32})?\)$")]
    public static partial Regex KeyVaultReferencePattern();

    [GeneratedRegex("^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/(?<type>[^/]+/[^/]+)/(?<name>[^/]+)$")]
    private static partial Regex ResourceIdPattern();
}
