namespace Billing.Functions.Tests.StripeWebhook;

/// <summary>
/// Which invoice an <c>invoice.paid</c> pays is the platform's own record first (the invoice it synced the Stripe invoice to),
/// its editable metadata second. A payment is never dropped: one the platform cannot place is recorded unapplied and reported.
/// Each test has a payer of its own and invoices of 2017 (a year no other test uses).
/// </summary>
[Collection(PlatformCollections.Payments)]
public class PaymentMetadataWebhookTests(PlatformFixture platform)
{
    private readonly SignedStripe stripe = new(platform);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not an invoice")]
    public async Task Webhook_SyncedStripeInvoiceWithUnusableMetadata_PaysTheInvoiceItWasSyncedFrom(string? metadata)
    {
        // Before: answered 200 "ignored" without looking at what the platform synced, so the payer's payment was dropped.
        var (payer, customer, suffix) = await stripe.NewPayerAsync("meta");
        string id = $"INV-{payer}-201701", synced = "in_synced_" + suffix;
        await stripe.StoreInvoiceAsync(id, synced, book: true);

        var (status, body) = await stripe.PostAsync(StripeTestEvents.InvoicePaid("evt_meta_" + suffix, synced, metadata, 1_234, "usd", customer, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("applied", id, "paid", $"burn-{id}"), (body!["resolution"]?.GetValue<string>(), body["invoiceId"]?.GetValue<string>(),
            body["invoiceStatus"]?.GetValue<string>(), body["burnId"]?.GetValue<string>()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not an invoice")]
    public async Task Webhook_UnknownStripeInvoiceWithUnusableMetadata_RecordedUnappliedAndReportedNotDropped(string? metadata)
    {
        string suffix = Guid.NewGuid().ToString("N")[..8], eventId = "evt_unknown_" + suffix;
        string payload = StripeTestEvents.InvoicePaid(eventId, "in_unknown_" + suffix, metadata, 1_234, "usd", "cus_unknown" + suffix, DateTimeOffset.UtcNow);

        var (status, body) = await stripe.PostAsync(payload);
        var (replayStatus, replay) = await stripe.PostAsync(payload);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (status, replayStatus));
        Assert.Equal(("unapplied", "UnknownStripeInvoice", null, null), (body!["resolution"]?.GetValue<string>(), body["reason"]?.GetValue<string>(),
            body["invoiceId"]?.GetValue<string>(), body["burnId"]?.GetValue<string>()));
        Assert.Equal((true, "UnknownStripeInvoice"), (replay!["replay"]!.GetValue<bool>(), replay["reason"]?.GetValue<string>()));
        var finding = Assert.Single((await stripe.GetAsync("api/v1/ledger/reconcile"))["mismatches"]!.AsArray(), m => m!["subject"]!.GetValue<string>() == eventId)!;
        Assert.Equal(("PaymentUnknownStripeInvoice", true), (finding["kind"]!.GetValue<string>(), finding["acknowledgeable"]!.GetValue<bool>()));
        Assert.Contains("in_unknown_" + suffix, finding["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_SyncedStripeInvoiceWhoseMetadataNamesAnotherInvoiceOfThePayer_UnappliedOnItsOwnInvoiceAndTheOtherUnpaid()
    {
        // Before: a Stripe invoice made for the first invoice, its metadata edited to name the second (same payer, same
        // customer), paid the second and burned it.
        var (payer, customer, suffix) = await stripe.NewPayerAsync("meta");
        string first = $"INV-{payer}-201702", second = $"INV-{payer}-201703", eventId = "evt_edited_" + suffix;
        await stripe.StoreInvoiceAsync(first, "in_first_" + suffix, book: true);
        await stripe.StoreInvoiceAsync(second, "in_second_" + suffix, book: true);

        var (status, body) = await stripe.PostAsync(StripeTestEvents.InvoicePaid(eventId, "in_first_" + suffix, second, 1_234, "usd", customer, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("unapplied", "InvoiceMetadataMismatch", first, null), (body!["resolution"]?.GetValue<string>(), body["reason"]?.GetValue<string>(),
            body["invoiceId"]?.GetValue<string>(), body["burnId"]?.GetValue<string>()));
        foreach (string id in new[] { first, second })
        {
            Assert.Equal("finalized", (await stripe.GetAsync($"api/v1/invoices/{id}"))["status"]!.GetValue<string>());
            Assert.Empty((await stripe.GetAsync($"api/v1/burns?invoiceId={id}")).AsArray());
        }

        var finding = Assert.Single((await stripe.GetAsync("api/v1/ledger/reconcile"))["mismatches"]!.AsArray(), m => m!["subject"]!.GetValue<string>() == eventId)!;
        Assert.Equal("PaymentInvoiceMetadataMismatch", finding["kind"]!.GetValue<string>());
        Assert.Contains(second, finding["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_RedeliveredAfterItsStripeInvoiceWasLinkedToAnotherInvoice_ReplayedWhereFirstRecorded()
    {
        // Before: the first delivery came before the platform linked the Stripe invoice (charged at finalize) and paid the
        // invoice its metadata named; redelivered once linked, it was recorded again, unapplied, on the linked invoice (one
        // event both applied and unapplied, under one ledger id with other postings), and that invoice could not settle.
        var (payer, customer, suffix) = await stripe.NewPayerAsync("meta");
        string linked = $"INV-{payer}-201704", named = $"INV-{payer}-201705", stripeInvoice = "in_late_link_" + suffix;
        await stripe.StoreInvoiceAsync(named, "in_named_" + suffix, book: true);
        string payload = StripeTestEvents.InvoicePaid("evt_late_link_" + suffix, stripeInvoice, named, 1_234, "usd", customer, DateTimeOffset.UtcNow);

        var (status, body) = await stripe.PostAsync(payload);
        await stripe.StoreInvoiceAsync(linked, stripeInvoice, book: true);
        var (replayStatus, replay) = await stripe.PostAsync(payload);

        Assert.Equal((HttpStatusCode.OK, "applied", named), (status, body!["resolution"]?.GetValue<string>(), body["invoiceId"]?.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, replayStatus);
        Assert.Equal((true, "applied", named), (replay!["replay"]!.GetValue<bool>(), replay["resolution"]?.GetValue<string>(), replay["invoiceId"]?.GetValue<string>()));
        Assert.Equal("finalized", (await stripe.GetAsync($"api/v1/invoices/{linked}"))["status"]!.GetValue<string>());
        Assert.DoesNotContain((await stripe.GetAsync("api/v1/ledger/reconcile"))["mismatches"]!.AsArray(), m => m!["subject"]!.GetValue<string>() == "evt_late_link_" + suffix);
    }
}
