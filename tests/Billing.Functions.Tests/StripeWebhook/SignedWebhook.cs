namespace Billing.Functions.Tests.StripeWebhook;

/// <summary>What the webhook tests share: Stripe's deliveries, signed as Stripe signs them; finance's reads; invoices stored as a close leaves them.</summary>
internal sealed class SignedWebhook(PlatformFixture platform)
{
    public const string Secret = "whsec_dev_local_only";

    /// <summary>The platform's tables, to plant and repair rows as someone with storage access would.</summary>
    public BillingTables Tables { get; } = new(new TableServiceClient(platform.ConnectionString), new StorageOptions { TablePrefix = platform.TablePrefix });

    public async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string payload)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/stripe/webhook") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeWebhookSigner.Sign(payload, Secret, DateTimeOffset.UtcNow));
        using var response = await platform.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

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
            await new LedgerRecorder(new LedgerStore(Tables), new PartnerStore(Tables), TimeProvider.System).InvoiceFinalizedAsync(invoice, CancellationToken.None);
        }
    }

    /// <summary>Reconcile's mismatches, as <c>kind subject: detail</c>.</summary>
    public async Task<IReadOnlyList<string>> MismatchesAsync() =>
        [.. (await GetAsync("api/v1/ledger/reconcile"))["mismatches"]!.AsArray().Select(m => $"{m!["kind"]} {m["subject"]}: {m["detail"]}")];
}
