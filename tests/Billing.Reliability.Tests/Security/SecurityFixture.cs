namespace Billing.Reliability.Tests.Security;

/// <summary>
/// The platform with secrets of its own (random partner keys, a webhook secret, a Stripe secret key whose API base is a
/// loopback Stripe double: its customer endpoint fails, so the invoice sync fails; it confirms the invoices the tests pay),
/// a private localnet, and the app's RPC going through a <see cref="TcpFaultProxy"/>.
/// </summary>
public sealed class SecurityFixture : IAsyncLifetime
{
    private readonly AzuriteFixture azurite = new();
    private readonly SemaphoreSlim gate = new(1, 1);
    private Task<string>? closed;
    private Task<(string InvoiceId, string Payload, JsonObject Burn)>? paid;

    public string Run { get; } = Guid.NewGuid().ToString("N");

    public string CarrierKey => $"sec-carrier-{Run[..12]}";

    public string OtherCarrierKey => $"sec-other-{Run[12..24]}";

    public string ProviderKey => $"sec-provider-{Run[4..16]}";

    public string TenantKey => $"sec-tenant-{Run[8..20]}";

    public string FinanceKey => $"sec-finance-{Run[16..28]}";

    public string WebhookSecret => $"whsec_rel_{Run[..20]}";

    public string StripeSecretKey => $"sk_test_rel{Run}";

    public PrivateLocalnetFixture Localnet { get; } = new();

    /// <summary>Stripe as the app sees it: the sync fails (a 503 on customers), the payment confirmation is answered.</summary>
    public StripeCaptureServer Stripe { get; } = StripeCaptureServer.Start();

    public TcpFaultProxy Proxy { get; private set; } = null!;

    public AppHost App { get; private set; } = null!;

    public string TablePrefix { get; } = AzuriteFixture.UniquePrefix();

    public string ConnectionString => azurite.ConnectionString;

    public IEnumerable<string> AllSecrets()
    {
        yield return CarrierKey;
        yield return OtherCarrierKey;
        yield return ProviderKey;
        yield return TenantKey;
        yield return FinanceKey;
        yield return WebhookSecret;
        yield return StripeSecretKey;
        var bytes = Localnet.Info.TreasuryKeypair;
        yield return "[" + string.Join(",", bytes) + "]";
        yield return string.Join(", ", bytes);
        yield return Convert.ToBase64String(bytes);
        yield return Convert.ToHexString(bytes);
        yield return Convert.ToHexStringLower(bytes);
    }

    public async Task InitializeAsync()
    {
        await azurite.InitializeAsync();
        await Localnet.InitializeAsync();
        Proxy = new TcpFaultProxy(Localnet.RpcUrl);
        var settings = AppHost.BaseSettings(azurite.ConnectionString, TablePrefix, Localnet.InfoFile);
        settings["Billing__Solana__RpcUrl"] = Proxy.Url.ToString();
        settings["Billing__Stripe__WebhookSecret"] = WebhookSecret;
        settings["Billing__Stripe__SecretKey"] = StripeSecretKey;
        Stripe.FailStatus["/v1/customers"] = 503; // the sync fails (transient): the close goes on without Stripe invoices
        settings["Billing__Stripe__ApiBase"] = Stripe.BaseUrl;
        PlatformFixture.AddPartners(settings,
        [
            ("carrier-tmo", "Carrier", CarrierKey, "carrier-standard-v1"),
            ("carrier-other", "Carrier", OtherCarrierKey, "carrier-standard-v1"),
            ("provider-nodeops", "Provider", ProviderKey, null),
            ("tenant-lab", "Tenant", TenantKey, "compute-standard-v1"),
            ("finance", "Finance", FinanceKey, null),
        ]);
        App = await AppHost.StartAsync(azurite.ConnectionString, TablePrefix, settings);
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        await Localnet.DisposeAsync();
        await Stripe.DisposeAsync();
        await azurite.DisposeAsync();
    }

    public static string PreviousPeriod(int monthsBack, out string compact)
    {
        var now = DateTimeOffset.UtcNow;
        var start = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-monthsBack);
        compact = start.ToString("yyyyMM", System.Globalization.CultureInfo.InvariantCulture);
        return start.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Usage in the previous month (carrier and compute), drained, then the month closed (once per fixture). Returns the close status and body.</summary>
    public Task<string> EnsureClosedAsync()
    {
        lock (gate)
        {
            return closed ??= CloseAsync();
        }
    }

    private async Task<string> CloseAsync()
    {
        string period = PreviousPeriod(1, out _);
        var lastDay = new DateTimeOffset(DateTimeOffset.UtcNow.Year, DateTimeOffset.UtcNow.Month, 1, 12, 0, 0, TimeSpan.Zero).AddDays(-1);
        var carrier = new JsonArray(SampleEvents.Carrier("sec-" + Run, PlatformFixture.NewHotspot(), 1_000_000, 2_000_000, lastDay));
        var (s1, b1) = await App.SendAsync(HttpMethod.Post, "api/v1/usage", CarrierKey, AppHost.Batch(carrier.ToJsonString()));
        Assert.True(s1 == 202, b1);
        var compute = new JsonArray(SampleEvents.Compute("sec-" + Run, "lease-sec", "H100", 8, lastDay, 3600));
        var (s2, b2) = await App.SendAsync(HttpMethod.Post, "api/v1/usage", ProviderKey, AppHost.Batch(compute.ToJsonString()));
        Assert.True(s2 == 202, b2);
        await App.DrainAsync(TimeSpan.FromSeconds(60));
        var (status, body) = await App.SendAsync(HttpMethod.Post, $"api/v1/periods/{period}/close", FinanceKey);
        return $"{status} {body}";
    }

    /// <summary>The tenant's previous-month invoice paid through a signed webhook and its burn finalized (once per fixture).</summary>
    public Task<(string InvoiceId, string Payload, JsonObject Burn)> EnsurePaidAsync()
    {
        lock (gate)
        {
            return paid ??= PayAsync();
        }
    }

    private async Task<(string, string, JsonObject)> PayAsync()
    {
        await EnsureClosedAsync();
        PreviousPeriod(1, out string compact);
        string invoiceId = $"INV-tenant-lab-{compact}";
        var (payload, burn) = await PayAndWaitAsync(invoiceId, TimeSpan.FromSeconds(120));
        return (invoiceId, payload, burn);
    }

    public async Task<long> InvoiceTotalMinorAsync(string invoiceId)
    {
        var (status, body) = await App.SendAsync(HttpMethod.Get, $"api/v1/invoices/{invoiceId}", FinanceKey);
        Assert.True(status == 200, $"{invoiceId}: {status} {body}");
        return JsonNode.Parse(body)!["totalMinor"]!.GetValue<long>();
    }

    public async Task<(int Status, JsonNode? Body)> PostWebhookAsync(string payload, string? signature)
    {
        var content = new StringContent(payload, Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/stripe/webhook") { Content = content };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        using var response = await App.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    public string InvoicePaidPayload(string invoiceId, long totalMinor, string? eventId = null) =>
        StripeTestEvents.InvoicePaid(eventId ?? "evt_" + Guid.NewGuid().ToString("N"), "in_" + invoiceId, invoiceId, totalMinor, "usd", "cus_rel", DateTimeOffset.UtcNow);

    public async Task<JsonArray> BurnsAsync(string invoiceId)
    {
        var (status, body) = await App.SendAsync(HttpMethod.Get, $"api/v1/burns?invoiceId={invoiceId}", FinanceKey);
        Assert.True(status == 200, body);
        return JsonNode.Parse(body)!.AsArray();
    }

    public async Task<JsonObject> WaitForBurnAsync(string invoiceId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonObject? burn = null;
        while (DateTime.UtcNow < deadline)
        {
            var burns = await BurnsAsync(invoiceId);
            Assert.True(burns.Count <= 1, $"more than one burn for {invoiceId}: {burns.ToJsonString()}");
            burn = burns.Count == 1 ? burns[0]!.AsObject() : null;
            if (burn?["status"]?.GetValue<string>() is "finalized" or "failed")
            {
                return burn;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"burn for {invoiceId} not final within {timeout}: {burn?.ToJsonString()}");
    }

    public async Task<(string Payload, JsonObject Burn)> PayAndWaitAsync(string invoiceId, TimeSpan timeout)
    {
        long total = await InvoiceTotalMinorAsync(invoiceId);
        string payload = InvoicePaidPayload(invoiceId, total);
        Stripe.MarkPaid("in_" + invoiceId, total, "usd", invoiceId); // the executor asks Stripe before it books and burns
        var (status, body) = await PostWebhookAsync(payload, StripeWebhookSigner.Sign(payload, WebhookSecret, DateTimeOffset.UtcNow));
        Assert.True(status == 200, $"{status} {body?.ToJsonString()}\n" + string.Join("\n", App.LogSnapshot().TakeLast(40)));
        return (payload, await WaitForBurnAsync(invoiceId, timeout));
    }

}

[CollectionDefinition(Name)]
public sealed class SecurityCollection : ICollectionFixture<SecurityFixture>
{
    public const string Name = "reliability-security";
}
