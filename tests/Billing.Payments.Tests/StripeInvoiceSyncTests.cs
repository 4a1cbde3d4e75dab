using Microsoft.Extensions.Logging;
using StripeException = Stripe.StripeException;

namespace Billing.Payments.Tests;

public sealed class StripeInvoiceSyncTests : StripeDoubleTests
{
    private const string SecretKey = "sk_test_51CaptureSecretDoNotLog";
    private const string InvoiceId = "INV-carrier-tmo-202610";

    private readonly ListLogger<StripeInvoiceSync> _logger = new();

    [Fact]
    public async Task SyncAsync_NewPayer_SendsCustomerInvoiceItemsAndFinalizeInOrder()
    {
        await NewSync().SyncAsync(TestInvoices.CarrierOctober(), null, CancellationToken.None);

        string[] expected =
        [
            "POST /v1/customers",
            "POST /v1/invoices",
            "POST /v1/invoiceitems",
            "POST /v1/invoiceitems",
            "POST /v1/invoiceitems",
            "POST /v1/invoices/in_capture2/finalize",
        ];
        Assert.Equal(expected, StripeDouble.Requests.Select(r => r.ToString()));
    }

    [Fact]
    public async Task SyncAsync_NewPayer_SendsIdempotencyKeysDerivedFromOurIds()
    {
        await NewSync().SyncAsync(TestInvoices.CarrierOctober(), null, CancellationToken.None);

        string[] expected =
        [
            "billing-customer-carrier-tmo",
            $"billing-invoice-{InvoiceId}",
            $"billing-invoice-{InvoiceId}-line-1",
            $"billing-invoice-{InvoiceId}-line-2",
            $"billing-invoice-{InvoiceId}-line-3",
            $"billing-invoice-{InvoiceId}-finalize",
        ];
        Assert.Equal(expected, StripeDouble.Requests.Select(r => r.Header("Idempotency-Key")));
    }

    [Fact]
    public async Task SyncAsync_ReissuedInvoice_UsesRevisionIdInKeysAndMetadata()
    {
        await NewSync().SyncAsync(TestInvoices.CarrierOctober(revision: 1), "cus_existing", CancellationToken.None);

        CapturedRequest create = StripeDouble.Requests[0];
        Assert.Equal("billing-invoice-INV-carrier-tmo-202610-r1", create.Header("Idempotency-Key"));
        Assert.Equal("INV-carrier-tmo-202610-r1", create.Field("metadata[billing_invoice_id]"));
        Assert.Equal("billing-invoice-INV-carrier-tmo-202610-r1-finalize", StripeDouble.Requests[^1].Header("Idempotency-Key"));
    }

    [Fact]
    public async Task SyncAsync_NewPayer_CreatesCustomerWithPayerMetadata()
    {
        await NewSync().SyncAsync(TestInvoices.CarrierOctober(), null, CancellationToken.None);

        CapturedRequest customer = StripeDouble.Requests[0];
        Assert.Equal("carrier-tmo", customer.Field("metadata[billing_payer]"));
        Assert.Equal("carrier-tmo", customer.Field("name"));
    }

    [Fact]
    public async Task SyncAsync_InvoiceCreate_SendsTermsCurrencyAndMetadata()
    {
        await NewSync(daysUntilDue: 45).SyncAsync(TestInvoices.CarrierOctober(), null, CancellationToken.None);

        CapturedRequest invoice = StripeDouble.Requests[1];
        Assert.Equal("cus_capture1", invoice.Field("customer"));
        Assert.Equal("usd", invoice.Field("currency"));
        Assert.Equal("send_invoice", invoice.Field("collection_method"));
        Assert.Equal("45", invoice.Field("days_until_due"));
        Assert.Equal("false", invoice.Field("auto_advance"));
        Assert.Equal("exclude", invoice.Field("pending_invoice_items_behavior"));
        Assert.Equal(InvoiceId, invoice.Field("metadata[billing_invoice_id]"));
        Assert.Equal("2026-10", invoice.Field("metadata[billing_period]"));
    }

    [Fact]
    public async Task SyncAsync_InvoiceItems_SendMinorUnitsCurrencyDescriptionAndLineMetadata()
    {
        await NewSync().SyncAsync(TestInvoices.CarrierOctober(), null, CancellationToken.None);

        CapturedRequest[] items = [.. StripeDouble.Requests.Where(r => r.Path == "/v1/invoiceitems")];
        Assert.Equal(["12", "375", "-250"], items.Select(r => r.Field("amount")));
        Assert.Equal(
            ["Data offload (12345 DC)", "GPU compute (1.5 GPU-hour)", "Adjustment for 2026-09"],
            items.Select(r => r.Field("description")));
        Assert.All(items, r => Assert.Equal("usd", r.Field("currency")));
        Assert.All(items, r => Assert.Equal("in_capture2", r.Field("invoice")));
        Assert.All(items, r => Assert.Equal("cus_capture1", r.Field("customer")));
        Assert.All(items, r => Assert.Equal(InvoiceId, r.Field("metadata[billing_invoice_id]")));
        Assert.Equal(["1", "2", "3"], items.Select(r => r.Field("metadata[billing_line]")));
    }

    [Fact]
    public async Task SyncAsync_Finalize_KeepsAutoAdvanceOffAndReturnsStripeIdsAndHostedUrl()
    {
        StripeSyncResult result = await NewSync().SyncAsync(TestInvoices.CarrierOctober(), null, CancellationToken.None);

        Assert.Equal("false", StripeDouble.Requests[^1].Field("auto_advance"));
        var synced = Assert.IsType<StripeSyncResult.Synced>(result);
        Assert.Equal(
            new StripeSyncResult.Synced("cus_capture1", "in_capture2", "https://invoice.stripe.com/i/acct_capture/in_capture2"),
            synced);
    }

    [Fact]
    public async Task SyncAsync_ExistingCustomer_SkipsCustomerCreation()
    {
        StripeSyncResult result = await NewSync().SyncAsync(TestInvoices.CarrierOctober(), "cus_existing42", CancellationToken.None);

        Assert.DoesNotContain(StripeDouble.Requests, r => r.Path == "/v1/customers");
        Assert.Equal("/v1/invoices", StripeDouble.Requests[0].Path);
        Assert.All(StripeDouble.Requests.Where(r => r.Path != "/v1/invoices/in_capture1/finalize"), r => Assert.Equal("cus_existing42", r.Field("customer")));
        Assert.Equal("cus_existing42", Assert.IsType<StripeSyncResult.Synced>(result).CustomerId);
    }

    [Fact]
    public async Task SyncAsync_SameInvoiceTwice_SendsSameIdempotencyKeysAndGetsSameStripeInvoice()
    {
        StripeInvoiceSync sync = NewSync();
        StripeSyncResult first = await sync.SyncAsync(TestInvoices.CarrierOctober(), null, CancellationToken.None);
        int firstCount = StripeDouble.Requests.Count;

        StripeSyncResult second = await sync.SyncAsync(TestInvoices.CarrierOctober(), null, CancellationToken.None);

        IReadOnlyList<CapturedRequest> all = StripeDouble.Requests;
        Assert.Equal(6, firstCount);
        Assert.Equal(12, all.Count);
        Assert.Equal(all.Take(6).Select(r => r.Header("Idempotency-Key")), all.Skip(6).Select(r => r.Header("Idempotency-Key")));
        Assert.Equal(all.Take(6).Select(r => r.Form), all.Skip(6).Select(r => r.Form), new FormComparer());

        // The capture server, like Stripe, answers a repeated key with the stored response: no second invoice.
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task SyncAsync_NoSecretKey_ReturnsDisabledSendsNothingAndLogsSkip()
    {
        StripeSyncResult result = await NewSync(secretKey: null).SyncAsync(TestInvoices.CarrierOctober(), null, CancellationToken.None);

        Assert.Same(StripeSyncResult.Disabled.Instance, result);
        Assert.Empty(StripeDouble.Requests);
        LogEntry entry = Assert.Single(_logger.Entries);
        Assert.Contains("disabled", entry.Message, StringComparison.Ordinal);
        Assert.Contains(InvoiceId, entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyncAsync_WithSecretKey_SendsBearerTokenButNeverLogsTheKey()
    {
        await NewSync().SyncAsync(TestInvoices.CarrierOctober(), null, CancellationToken.None);

        Assert.All(StripeDouble.Requests, r => Assert.Equal($"Bearer {SecretKey}", r.Header("Authorization")));
        Assert.NotEmpty(_logger.Entries); // the assertion below must be able to see something
        Assert.All(_logger.Entries, e =>
        {
            Assert.DoesNotContain(SecretKey, e.Message, StringComparison.Ordinal);
            Assert.All(e.Values, v => Assert.DoesNotContain(SecretKey, v, StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task SyncAsync_StripeRejectsAnItem_ThrowsAndDoesNotFinalize()
    {
        StripeDouble.FailPaths.Add("/v1/invoiceitems");

        await Assert.ThrowsAsync<StripeException>(
            () => NewSync().SyncAsync(TestInvoices.CarrierOctober(), "cus_existing", CancellationToken.None));

        Assert.DoesNotContain(StripeDouble.Requests, r => r.Path.EndsWith("/finalize", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SyncAsync_VoidInvoice_ThrowsAndSendsNothing()
    {
        Invoice voided = TestInvoices.CarrierOctober().Void();

        await Assert.ThrowsAsync<ArgumentException>(() => NewSync().SyncAsync(voided, "cus_existing", CancellationToken.None));

        Assert.Empty(StripeDouble.Requests);
    }

    [Fact]
    public async Task SyncAsync_CanceledToken_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => NewSync().SyncAsync(TestInvoices.CarrierOctober(), null, cts.Token));
    }

    [Fact]
    public async Task SyncAsync_ZeroDecimalCurrency_SendsWholeYenAndLowerCaseCode()
    {
        var invoice = new Invoice(
            new InvoiceId("partner-jp", TestInvoices.October2026),
            "jp-v1",
            InvoiceStatus.Finalized,
            Currency.JPY,
            [new InvoiceLine("offload.bytes", "Data offload", null, 7m, "DC", 100m, new Money(700, Currency.JPY))]);

        await NewSync().SyncAsync(invoice, "cus_jp", CancellationToken.None);

        CapturedRequest item = Assert.Single(StripeDouble.Requests, r => r.Path == "/v1/invoiceitems");
        Assert.Equal("700", item.Field("amount"));
        Assert.Equal("jpy", item.Field("currency"));
    }

    [Theory]
    [InlineData(null, "Minimum commitment")]
    [InlineData("GPU-hour", "Minimum commitment (2 GPU-hour)")]
    public void Describe_Line_FormatsQuantityAndUnitOnlyWhenThereIsAUnit(string? unit, string expected)
    {
        var line = new InvoiceLine("m", "Minimum commitment", null, 2.000m, unit, 1m, new Money(1, Currency.USD));

        Assert.Equal(expected, StripeInvoiceSync.Describe(line));
    }

    private StripeInvoiceSync NewSync(string? secretKey = SecretKey, int daysUntilDue = 30) =>
        new(
            new StripeConnection(Options.Create(new StripeOptions { SecretKey = secretKey, ApiBase = StripeDouble.BaseUrl, DaysUntilDue = daysUntilDue })),
            _logger);

    private sealed class FormComparer : IEqualityComparer<IReadOnlyList<KeyValuePair<string, string>>>
    {
        public bool Equals(IReadOnlyList<KeyValuePair<string, string>>? x, IReadOnlyList<KeyValuePair<string, string>>? y) =>
            x is not null && y is not null && x.SequenceEqual(y);

        public int GetHashCode(IReadOnlyList<KeyValuePair<string, string>> obj) => obj.Count;
    }
}
