using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Billing.DevHost;

namespace Billing.Tests.Shared;

/// <summary>
/// The platform as users run it locally: the built function app (a real child process) behind the DevHost, on Azurite.
/// Started once for all function tests, with its own table prefix.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public const string CarrierKey = "dev-carrier-tmo-key";
    public const string OtherCarrierKey = "test-carrier-other-key";
    public const string ProviderKey = "dev-provider-nodeops-key";
    public const string TenantKey = "dev-tenant-lab-key";
    public const string FinanceKey = "dev-finance-key";

    private readonly AzuriteFixture azurite = new();
    private readonly IReadOnlyList<(string Id, string Role, string Key, string? Plan)> extraPartners;

    public PlatformFixture()
        : this([])
    {
    }

    /// <param name="extraPartners">Partners seeded besides the defaults (a fixture of its own, so other tests' closes do not see them).</param>
    internal PlatformFixture(IReadOnlyList<(string Id, string Role, string Key, string? Plan)> extraPartners) => this.extraPartners = extraPartners;

    /// <summary>The chain burns go to: the shared localnet of ./run test, or one of this fixture's own.</summary>
    public LocalnetFixture Localnet { get; } = new();

    public DevHostServer Host { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>Talks to the handler directly, as the Functions host does.</summary>
    public HttpClient Handler { get; private set; } = null!;

    public string TablePrefix { get; } = AzuriteFixture.UniquePrefix();

    public string ConnectionString => azurite.ConnectionString;

    public List<string> Logs { get; } = [];

    public static string AppDirectory()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("BILLING_TEST_APP_DIR");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return fromEnv;
        }

        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        return Path.Combine(RepositoryRoot.Path, "functions", "Billing.Functions", "bin", configuration, "net10.0");
    }

    /// <summary>The local settings with the default partners (keys above).</summary>
    public static Dictionary<string, string> Settings(string connectionString, string tablePrefix, string? localnetInfoFile = null)
    {
        var settings = BaseSettings(connectionString, tablePrefix, localnetInfoFile);
        AddPartners(settings,
        [
            ("carrier-tmo", "Carrier", CarrierKey, "carrier-standard-v1"),
            ("carrier-other", "Carrier", OtherCarrierKey, "carrier-standard-v1"),
            ("provider-nodeops", "Provider", ProviderKey, null),
            ("tenant-lab", "Tenant", TenantKey, "compute-standard-v1"),
            ("finance", "Finance", FinanceKey, null),
        ]);
        return settings;
    }

    /// <summary>The local settings every platform test starts from, without partners.</summary>
    public static Dictionary<string, string> BaseSettings(string connectionString, string tablePrefix, string? localnetInfoFile = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["EventHubConsumerGroup"] = "$Default",
            ["Billing__Storage__ConnectionString"] = connectionString,
            ["Billing__Storage__TablePrefix"] = tablePrefix,
            ["Billing__Partners__Seed"] = "true",
            ["Billing__Partners__CacheTtl"] = "00:00:01",
            ["Billing__Invoicing__CloseSchedule"] = "0 30 0 1 1 *", // tests close periods explicitly
            ["Billing__Burns__Schedule"] = "*/5 * * * * *",
            ["Billing__Burns__FixedPrice"] = "2.50",
            ["Billing__Ledger__AnchorSchedule"] = "0 0 0 1 1 *", // tests anchor explicitly
            ["Billing__Ledger__AnchorGrace"] = "1.00:00:00", // so verify does not demand anchors the tests never ask for
            ["Billing__Stripe__WebhookSecret"] = "whsec_dev_local_only",
        };
        if (localnetInfoFile is not null)
        {
            settings["Billing__Solana__LocalnetInfoFile"] = localnetInfoFile;
        }

        return settings;
    }

    /// <summary>
    /// Partner settings in the app's configuration shape (seeded at start). Every tenant grants every provider listed
    /// (<c>Providers</c>), as the local sample's tenants grant theirs: tests of other things post as a granted provider.
    /// </summary>
    public static void AddPartners(Dictionary<string, string> settings, IEnumerable<(string Id, string Role, string Key, string? Plan)> partners) =>
        AddPartners(settings, partners, []);

    /// <summary>As the public overload, the tenants also granting <paramref name="moreProviders"/> (seeded under other items).</summary>
    private static void AddPartners(Dictionary<string, string> settings, IEnumerable<(string Id, string Role, string Key, string? Plan)> partners, IEnumerable<string> moreProviders)
    {
        var list = partners.ToList();
        string providers = string.Join(',', list.Where(p => p.Role == "Provider").Select(p => p.Id).Concat(moreProviders));
        int i = 0;
        foreach (var p in list)
        {
            settings[$"Billing__Partners__Items__{i}__Id"] = p.Id;
            settings[$"Billing__Partners__Items__{i}__Role"] = p.Role;
            settings[$"Billing__Partners__Items__{i}__ApiKey"] = p.Key;
            if (p.Plan is not null)
            {
                settings[$"Billing__Partners__Items__{i}__PlanId"] = p.Plan;
            }

            if (p.Role == "Tenant" && providers.Length > 0)
            {
                settings[$"Billing__Partners__Items__{i}__Providers"] = providers;
            }

            i++;
        }
    }

    private Dictionary<string, string> WithExtraPartners(Dictionary<string, string> settings)
    {
        if (extraPartners.Count > 0)
        {
            var extra = new Dictionary<string, string>();
            var seeded = settings.Where(k => k.Key.StartsWith("Billing__Partners__Items__", StringComparison.Ordinal) && k.Key.EndsWith("__Role", StringComparison.Ordinal) && k.Value == "Provider")
                .Select(k => settings[k.Key[..^"Role".Length] + "Id"]).ToList();
            AddPartners(extra, extraPartners, seeded);
            int first = settings.Keys.Count(k => k.EndsWith("__Id", StringComparison.Ordinal) && k.StartsWith("Billing__Partners__Items__", StringComparison.Ordinal));
            foreach (var (key, value) in extra)
            {
                // Items__{i}__… → Items__{first + i}__…
                var parts = key.Split("__");
                parts[3] = (int.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture) + first).ToString(System.Globalization.CultureInfo.InvariantCulture);
                settings[string.Join("__", parts)] = value;
            }
        }

        return settings;
    }

    public async Task InitializeAsync()
    {
        await azurite.InitializeAsync();
        await Localnet.InitializeAsync();
        Host = new DevHostServer(new DevHostOptions
        {
            AppDirectory = AppDirectory(),
            Port = 0,
            Partitions = 4,
            Settings = WithExtraPartners(Settings(azurite.ConnectionString, TablePrefix, Localnet.InfoFile)),
            Log = line =>
            {
                lock (Logs)
                {
                    Logs.Add(line);
                }
            },
        });
        await Host.StartAsync(CancellationToken.None);
        Client = new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Handler = new HttpClient { BaseAddress = Host.HandlerAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        Handler?.Dispose();
        await Host.DisposeAsync();
        await azurite.DisposeAsync();
        await Localnet.DisposeAsync();
    }

    public HttpRequestMessage Request(HttpMethod method, string path, string? key, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return request;
    }

    public async Task<HttpResponseMessage> PostUsageAsync(string key, JsonNode body) =>
        await Client.SendAsync(Request(HttpMethod.Post, "api/v1/usage", key, new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/cloudevents-batch+json")));

    public async Task<JsonObject> GetUsageAsync(string key, string query)
    {
        using var response = await Client.SendAsync(Request(HttpMethod.Get, "api/v1/usage?" + query, key));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>
    /// Creates a partner through the API as finance (POST /api/v1/partners), as an operator onboards one; with
    /// <paramref name="stripeCustomerId"/>, the Stripe customer its invoices go to.
    /// </summary>
    public async Task<HttpResponseMessage> CreatePartnerAsync(string id, string role, string? plan, string? stripeCustomerId = null)
    {
        var body = new JsonObject { ["id"] = id, ["role"] = role, ["displayName"] = id, ["billingEmail"] = $"billing@{id}.example" };
        if (plan is not null)
        {
            body["plan"] = plan;
        }

        if (stripeCustomerId is not null)
        {
            body["stripeCustomerId"] = stripeCustomerId;
        }

        return await Client.SendAsync(Request(HttpMethod.Post, "api/v1/partners", FinanceKey, new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json")));
    }

    public Task DrainAsync() => Host.WaitForIdleAsync(TimeSpan.FromSeconds(60), CancellationToken.None);

    /// <summary>
    /// Runs the AnchorLedger timer now until <paramref name="entryId"/> has a proof (200, asked as finance). The admin API's
    /// 202 says only that a run ended without failing (in Azure, that one started): a run whose memo was not confirmed (its
    /// blockhash expired while another test run moved the shared localnet on, or the confirmation wait ran out on a loaded
    /// machine) leaves a pending anchor, the proof answers 409 "Not anchored yet", and with the timer off in tests only the
    /// next run resumes or signs it again. Any other answer fails at once.
    /// </summary>
    public async Task AnchorLedgerAsync(string entryId)
    {
        const int MaxRuns = 5;
        string last = "";
        for (int run = 0; run < MaxRuns; run++)
        {
            using (var anchor = await Client.PostAsync("admin/functions/AnchorLedger", null))
            {
                Assert.Equal(System.Net.HttpStatusCode.Accepted, anchor.StatusCode);
            }

            using var proof = await Client.SendAsync(Request(HttpMethod.Get, "api/v1/ledger/proof/" + Uri.EscapeDataString(entryId), FinanceKey));
            string body = await proof.Content.ReadAsStringAsync();
            last = $"{(int)proof.StatusCode}: {body}";
            if (proof.StatusCode == System.Net.HttpStatusCode.OK)
            {
                return;
            }

            Assert.True(proof.StatusCode == System.Net.HttpStatusCode.Conflict && JsonNode.Parse(body)?["title"]?.GetValue<string>() == "Not anchored yet", last);
        }

        Assert.Fail($"{entryId} is still not anchored after {MaxRuns} runs of AnchorLedger: {last}");
    }

    /// <summary>A fresh hotspot id (base58 of 32 random bytes) so tests can group their own usage apart.</summary>
    public static string NewHotspot() => SampleEvents.NewHotspot();
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
