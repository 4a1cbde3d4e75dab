using System.Text;

namespace Billing.WebConsole.Tests;

/// <summary>
/// One platform with known data (usage of the last day, a closed previous month, a paid and burned invoice, an anchor)
/// and one headless Chromium for all console tests; each test opens its own browser context (its own session storage).
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    /// <summary>Debian's package; <c>./run test</c> installs it. BILLING_TEST_CHROMIUM points elsewhere (e.g. Chrome on a Mac).</summary>
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("BILLING_TEST_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    private IPlaywright? playwright;

    public PlatformFixture Platform { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Every session carrier-tmo sent: its time, hotspot and bytes (what the charts must add up).</summary>
    public List<(DateTimeOffset Time, string Hotspot, long Bytes)> CarrierSessions { get; } = [];

    public DateTimeOffset Now { get; } = DateTimeOffset.UtcNow;

    public string Period { get; private set; } = "";

    public string CarrierInvoice => $"INV-carrier-tmo-{Period.Replace("-", "", StringComparison.Ordinal)}";

    public string OtherCarrierInvoice => $"INV-carrier-other-{Period.Replace("-", "", StringComparison.Ordinal)}";

    public static string Screenshots { get; } = Path.Combine(RepositoryRoot.Path, ".run", "console");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}: `./run test` installs it (apt-get install chromium), or set BILLING_TEST_CHROMIUM.");
        }

        Directory.CreateDirectory(Screenshots);
        var platformStart = Platform.InitializeAsync();
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // No sandbox as root in CI; no background traffic, which fails slowly on a closed network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        await platformStart;
        await SeedAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        await Platform.DisposeAsync();
    }

    /// <summary>A fresh context (empty session storage) on the console's origin.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = Platform.Host.BaseAddress.ToString(),
            ViewportSize = new() { Width = 1280, Height = 860 },
            AcceptDownloads = true,
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        return await context.NewPageAsync();
    }

    public async Task<(HttpStatusCode Status, string Body, string? Type)> GetAsync(string path, string key)
    {
        using var response = await Platform.Client.SendAsync(Platform.Request(HttpMethod.Get, path, key));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    private async Task SeedAsync()
    {
        var monthStart = new DateTimeOffset(Now.Year, Now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        Period = monthStart.AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);

        // The last day: 3 hotspots of carrier-tmo, hourly sessions of known sizes; carrier-other as another payer.
        var recent = new JsonArray();
        string[] hotspots = [PlatformFixture.NewHotspot(), PlatformFixture.NewHotspot(), PlatformFixture.NewHotspot()];
        string[] rats = ["wlan", "nr", "cbrs"];
        for (int i = 0; i < 18; i++)
        {
            string hotspot = hotspots[i % 3];
            long up = 1_000_000L * (i + 1), down = 250_000L * (i + 3);
            var time = Now.AddMinutes(-30 - (i * 70));
            CarrierSessions.Add((time, hotspot, up + down));
            recent.Add(SampleEvents.Carrier($"console-{hotspot}-{i}", hotspot, up, down, time, rats[i % 3]));
        }

        await PostAsync(PlatformFixture.CarrierKey, recent);
        await PostAsync(PlatformFixture.OtherCarrierKey, new JsonArray(SampleEvents.Carrier("console-other-1", PlatformFixture.NewHotspot(), 5_000, 5_000, Now.AddHours(-2), source: "carrier-other")));

        // The previous month, closed: invoices for carrier-tmo and tenant-lab.
        var lastDay = monthStart.AddHours(-3);
        CarrierSessions.Add((lastDay, hotspots[0], 100_000_000));
        CarrierSessions.Add((lastDay.AddMinutes(20), hotspots[1], 133_333_332));
        await PostAsync(PlatformFixture.CarrierKey, new JsonArray(
            SampleEvents.Carrier("console-prev-1", hotspots[0], 60_000_000, 40_000_000, lastDay),
            SampleEvents.Carrier("console-prev-2", hotspots[1], 123_456_789, 9_876_543, lastDay.AddMinutes(20), "nr")));
        await PostAsync(PlatformFixture.ProviderKey, new JsonArray(SampleEvents.Compute("console-lease:1", "console-lease", "H100", 2, lastDay, seconds: 7_200)));
        await Platform.DrainAsync();
        using (var close = await Platform.Client.SendAsync(Platform.Request(HttpMethod.Post, $"api/v1/periods/{Period}/close", PlatformFixture.FinanceKey)))
        {
            Assert.True(close.IsSuccessStatusCode, await close.Content.ReadAsStringAsync());
        }

        await PayAsync(CarrierInvoice);
        await Platform.AnchorLedgerAsync("invoice-finalized:" + CarrierInvoice);
    }

    private async Task PostAsync(string key, JsonArray events)
    {
        using var response = await Platform.PostUsageAsync(key, events);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts <paramref name="payload"/> to the Stripe webhook, signed now with the platform's secret; asserts a 2xx.</summary>
    public async Task PostStripeEventAsync(string payload)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/stripe/webhook") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeWebhookSigner.Sign(payload, "whsec_dev_local_only", DateTimeOffset.UtcNow));
        using var response = await Platform.Client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A signed Stripe invoice.paid for the whole invoice, then waits for its burn to finalize on the localnet.</summary>
    private async Task PayAsync(string invoiceId)
    {
        var (_, body, _) = await GetAsync($"api/v1/invoices/{invoiceId}", PlatformFixture.FinanceKey);
        long totalMinor = JsonNode.Parse(body)!["totalMinor"]!.GetValue<long>();
        await PostStripeEventAsync(StripeTestEvents.InvoicePaid("evt_" + Guid.NewGuid().ToString("N"), "in_console_1", invoiceId, totalMinor, "usd", "cus_console_1", DateTimeOffset.UtcNow));

        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var (_, burns, _) = await GetAsync($"api/v1/burns?invoiceId={invoiceId}", PlatformFixture.FinanceKey);
            if (JsonNode.Parse(burns)!.AsArray().FirstOrDefault()?["status"]?.GetValue<string>() is "finalized")
            {
                return;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"the burn of {invoiceId} did not finalize within 90 s");
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
