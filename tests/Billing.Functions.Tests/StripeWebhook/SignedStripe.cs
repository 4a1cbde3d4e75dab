using Billing.Tests.Shared;

namespace Billing.Functions.Tests.StripeWebhook;

/// <summary>
/// Stripe as the webhook tests play it against a <see cref="PlatformFixture"/>: events signed with the platform's webhook
/// secret, invoices stored as a close and its Stripe sync leave them, and finance's reads.
/// </summary>
internal sealed class SignedStripe(PlatformFixture platform)
{
    public const string Secret = "whsec_dev_local_only";

    /// <summary>The platform's tables, to plant and repair rows as someone with storage access would.</summary>
    public BillingTables Tables { get; } = new(new TableServiceClient(platform.ConnectionString), new StorageOptions { TablePrefix = platform.TablePrefix });

    /// <summary>A new payer (<c>carrier-{prefix}{suffix}</c>), onboarded through the API with its Stripe customer (<c>cus_{prefix}{suffix}</c>).</summary>
    public async Task<(string Payer, string Customer, string Suffix)> NewPayerAsync(string prefix)
    {
        string suffix = Guid.NewGuid().ToString("N")[..8];
        string payer = "carrier-" + prefix + suffix, customer = "cus_" + prefix + suffix;
        using var create = await platform.CreatePartnerAsync(payer, "carrier", "carrier-standard-v1", customer);
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        return (payer, customer, suffix);
    }

    /// <summary>Posts <paramref name="payload"/> to the webhook, signed now.</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string payload)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/stripe/webhook") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeWebhookSigner.Sign(payload, Secret, DateTimeOffset.UtcNow));
        using var response = await platform.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    /// <summary>GET <paramref name="path"/> as finance; asserts 200.</summary>
    public async Task<JsonNode> GetAsync(string path)
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, path, PlatformFixture.FinanceKey));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>
    /// Stores invoice <paramref name="id"/> of 12.34 USD, finalized and synced to <paramref name="stripeInvoice"/> when given, and
    /// books it as a close would when <paramref name="book"/> (so reconcile has nothing to say about a correctly settled one).
    /// </summary>
    public async Task StoreInvoiceAsync(string id, string? stripeInvoice = null, bool book = false)
    {
        var line = new InvoiceLine("offload.bytes", "Data offload", new Dictionary<string, string>(), 1, "DC", 0.01m, new Money(1_234, Currency.USD));
        var invoice = new Invoice(InvoiceId.Parse(id), "carrier-standard-v1", InvoiceStatus.Draft, Currency.USD, [line], stripeInvoice).Finalize();
        await new InvoiceStore(Tables).AddOrGetAsync(invoice, CancellationToken.None);
        if (book)
        {
            await new LedgerRecorder(new LedgerStore(Tables, TestSeals.Keys), new PartnerStore(Tables), TimeProvider.System).InvoiceFinalizedAsync(invoice, CancellationToken.None);
        }
    }

    /// <summary>The invoice's one burn once the executor has decided on it and <paramref name="done"/> holds (90 s at most).</summary>
    public async Task<JsonNode> BurnWhenAsync(string id, Func<JsonNode, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        JsonNode? burn;
        do
        {
            await Task.Delay(500);
            burn = (await GetAsync($"api/v1/burns?invoiceId={id}")).AsArray().SingleOrDefault();
        }
        while ((burn is null || !done(burn)) && DateTime.UtcNow < deadline);

        Assert.NotNull(burn); // the payment made its burn intent
        return burn;
    }

    /// <summary>Reconcile's mismatches, as <c>kind subject: detail</c>.</summary>
    public async Task<IReadOnlyList<string>> MismatchesAsync() =>
        [.. (await GetAsync("api/v1/ledger/reconcile"))["mismatches"]!.AsArray().Select(m => $"{m!["kind"]} {m["subject"]}: {m["detail"]}")];
}
