namespace Billing.Functions.Tests.StripeWebhook;

/// <summary>
/// An <c>invoice.paid</c> pays our invoice only when the Stripe invoice paid is the payer's. Stripe's Dashboard "Duplicate
/// invoice" copies the metadata that names our invoice: a copy paid by another customer, or paid through another Stripe
/// invoice than the one ours was synced to, is recorded unapplied and reported, and nothing is burned; the payer's own
/// payment still pays and burns. Each test has a payer of its own, onboarded through the API with its Stripe customer, and
/// invoices of 2018 (a year no other test uses).
/// </summary>
[Collection(PlatformCollections.Payments)]
public class PaymentOwnershipWebhookTests(PlatformFixture platform)
{
    private readonly SignedStripe stripe = new(platform);

    private Task<(string Payer, string Customer, string Suffix)> NewPayerAsync() => stripe.NewPayerAsync("own");

    /// <summary>
    /// Posts the copy's <c>invoice.paid</c> twice and asserts the webhook's answers (unapplied with <paramref name="reason"/>, the
    /// second a replay deciding the same), the invoice untouched, no burn, and reconcile's finding; returns its detail.
    /// </summary>
    private async Task<string> AssertRecordedUnappliedAsync(string id, string payload, string eventId, string reason)
    {
        var (status, body) = await stripe.PostAsync(payload);
        var (replayStatus, replay) = await stripe.PostAsync(payload);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (status, replayStatus));
        Assert.Equal(("unapplied", reason, "finalized", false), (body!["resolution"]!.GetValue<string>(), body["reason"]?.GetValue<string>(),
            body["invoiceStatus"]!.GetValue<string>(), body["replay"]!.GetValue<bool>()));
        Assert.Equal(("unapplied", reason, body["detail"]!.GetValue<string>(), true), (replay!["resolution"]!.GetValue<string>(), replay["reason"]?.GetValue<string>(),
            replay["detail"]!.GetValue<string>(), replay["replay"]!.GetValue<bool>()));
        Assert.Null(body["burnId"]);
        var invoice = await stripe.GetAsync($"api/v1/invoices/{id}");
        Assert.Equal(("finalized", null), (invoice["status"]!.GetValue<string>(), invoice["amountPaidMinor"])); // shown once money arrived
        Assert.Empty((await stripe.GetAsync($"api/v1/burns?invoiceId={id}")).AsArray());
        var finding = Assert.Single((await stripe.GetAsync("api/v1/ledger/reconcile"))["mismatches"]!.AsArray(), m => m!["subject"]!.GetValue<string>() == eventId)!;
        Assert.Equal("Payment" + reason, finding["kind"]!.GetValue<string>());
        Assert.StartsWith($"{id}: 1234 USD not applied: ", finding["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        return body["detail"]!.GetValue<string>();
    }

    /// <summary>The payer's own payment of the invoice: applied, the invoice paid, and its burn signed.</summary>
    private async Task AssertPaidAndBurnedAsync(string id, string payload)
    {
        var (status, body) = await stripe.PostAsync(payload);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("applied", "paid"), (body!["resolution"]!.GetValue<string>(), body["invoiceStatus"]!.GetValue<string>()));
        var burn = await stripe.BurnWhenAsync(id, b => b["status"]!.GetValue<string>() is "finalized" or "failed" or "held");
        Assert.Equal(("finalized", 1_234L), (burn["status"]!.GetValue<string>(), burn["usdMinor"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Webhook_CopyPaidByAnotherCustomerInvoiceNeverSynced_UnappliedCustomerMismatchNoBurnThenThePayerPaysAndBurns()
    {
        // The invoice was never recorded as synced (a crash after Stripe created it): the payer's Stripe customer is what is known.
        var (payer, customer, suffix) = await NewPayerAsync();
        string id = $"INV-{payer}-201801", intruder = "cus_intruder" + suffix, foreignEvent = "evt_copy_" + suffix;
        await stripe.StoreInvoiceAsync(id, book: true);

        string detail = await AssertRecordedUnappliedAsync(id,
            StripeTestEvents.InvoicePaid(foreignEvent, "in_copy_" + suffix, id, 1_234, "usd", intruder, DateTimeOffset.UtcNow), foreignEvent, "CustomerMismatch");

        Assert.Contains(intruder, detail, StringComparison.Ordinal);
        Assert.Contains(customer, detail, StringComparison.Ordinal);
        await AssertPaidAndBurnedAsync(id, StripeTestEvents.InvoicePaid("evt_own_" + suffix, "in_own_" + suffix, id, 1_234, "usd", customer, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Webhook_CopyOfTheSyncedStripeInvoicePaidByAnotherCustomer_UnappliedNoBurnThenTheSyncedOnePaysAndBurns()
    {
        var (payer, customer, suffix) = await NewPayerAsync();
        string id = $"INV-{payer}-201803", synced = "in_synced_" + suffix, copy = "in_copy_" + suffix, foreignEvent = "evt_copy_" + suffix;
        await stripe.StoreInvoiceAsync(id, synced, book: true);

        string detail = await AssertRecordedUnappliedAsync(id,
            StripeTestEvents.InvoicePaid(foreignEvent, copy, id, 1_234, "usd", "cus_intruder" + suffix, DateTimeOffset.UtcNow), foreignEvent, "CustomerMismatch");

        Assert.Contains(customer, detail, StringComparison.Ordinal);
        await AssertPaidAndBurnedAsync(id, StripeTestEvents.InvoicePaid("evt_own_" + suffix, synced, id, 1_234, "usd", customer, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Webhook_RevisionOfTheSyncedStripeInvoicePaidByThePayersCustomer_PaysAndBurns()
    {
        // Finance revises a Stripe invoice in the Dashboard: Stripe voids it and copies it, metadata included, to a new one of the
        // same customer. The payer's own money for its invoice, reconciled against the total like any payment.
        var (payer, customer, suffix) = await NewPayerAsync();
        string id = $"INV-{payer}-201802";
        await stripe.StoreInvoiceAsync(id, "in_synced_" + suffix, book: true);

        await AssertPaidAndBurnedAsync(id, StripeTestEvents.InvoicePaid("evt_revised_" + suffix, "in_revised_" + suffix, id, 1_234, "usd", customer, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Webhook_CopyPaidByAnotherCustomerInAnotherCurrency_CustomerMismatchAndItsRefundNotTakenForTheInvoice()
    {
        // Found in review: the amount and currency checks came first, so this copy was recorded UnknownCurrency, which links a
        // Stripe invoice's refunds to the invoice: the intruder's refund was placed under the payer's invoice.
        var (payer, _, suffix) = await NewPayerAsync();
        string id = $"INV-{payer}-201805", intruder = "cus_intruder" + suffix, intent = "pi_copy_" + suffix;
        await stripe.StoreInvoiceAsync(id, "in_synced_" + suffix, book: true);

        var (status, body) = await stripe.PostAsync(StripeTestEvents.InvoicePaid("evt_copy_" + suffix, "in_copy_" + suffix, id, 1_234, "sek", intruder, DateTimeOffset.UtcNow, intent));
        var (refundStatus, refund) = await stripe.PostAsync(StripeTestEvents.ChargeRefunded("evt_re_" + suffix, "ch_copy_" + suffix, 1_234, 1_234, "sek", DateTimeOffset.UtcNow, paymentIntentId: intent, customerId: intruder));

        Assert.Equal((HttpStatusCode.OK, "unapplied", "CustomerMismatch"), (status, body!["resolution"]!.GetValue<string>(), body["reason"]?.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, refundStatus);
        Assert.Null(refund!["invoiceId"]);
    }

    [Fact]
    public async Task Webhook_CreditNoteAndRefundOfCopiesPaidByAnotherCustomer_NotTakenForTheInvoices()
    {
        // A copy's payment is recorded under the invoice it claims (unapplied), which must not make the copy's credit notes and
        // refunds the invoice's: a pre-payment note on a copy for the whole total would mark the invoice paid.
        var (payer, customer, suffix) = await NewPayerAsync();
        string id = $"INV-{payer}-201804", intruder = "cus_intruder" + suffix, credited = "in_copy_cn_" + suffix, refunded = "in_copy_re_" + suffix, intent = "pi_copy_" + suffix;
        await stripe.StoreInvoiceAsync(id, "in_synced_" + suffix, book: true);

        // The first copy credited in full before payment, so Stripe reports it paid with nothing paid; its note arrives after.
        Assert.Equal(HttpStatusCode.OK, (await stripe.PostAsync(StripeTestEvents.InvoicePaid("evt_copy_cn_" + suffix, credited, id, 0, "usd", intruder, DateTimeOffset.UtcNow))).Status);
        var (noted, note) = await stripe.PostAsync(StripeTestEvents.CreditNote("evt_cn_" + suffix, "cn_" + suffix, credited, 1_234, "usd", DateTimeOffset.UtcNow, prePaymentMinor: 1_234));

        Assert.Equal(HttpStatusCode.OK, noted);
        Assert.Equal(("unapplied", "UnknownInvoice", null), (note!["resolution"]!.GetValue<string>(), note["reason"]?.GetValue<string>(), note["invoiceId"]?.GetValue<string>()));

        // The second copy paid and refunded on its payment intent.
        Assert.Equal(HttpStatusCode.OK, (await stripe.PostAsync(StripeTestEvents.InvoicePaid("evt_copy_re_" + suffix, refunded, id, 1_234, "usd", intruder, DateTimeOffset.UtcNow, intent))).Status);
        var (refundStatus, refund) = await stripe.PostAsync(StripeTestEvents.ChargeRefunded("evt_re_" + suffix, "ch_copy_" + suffix, 1_234, 1_234, "usd", DateTimeOffset.UtcNow, paymentIntentId: intent, customerId: intruder));

        Assert.Equal(HttpStatusCode.OK, refundStatus);
        Assert.Null(refund!["invoiceId"]);
        Assert.Contains((await stripe.GetAsync("api/v1/ledger/reconcile"))["mismatches"]!.AsArray(),
            m => m!["kind"]!.GetValue<string>() == "RefundUnmatched" && m["subject"]!.GetValue<string>() == "ch_copy_" + suffix);
        var invoice = await stripe.GetAsync($"api/v1/invoices/{id}");
        Assert.Equal(("finalized", null), (invoice["status"]!.GetValue<string>(), invoice["prePaymentCreditedMinor"]));
        await AssertPaidAndBurnedAsync(id, StripeTestEvents.InvoicePaid("evt_own_" + suffix, "in_synced_" + suffix, id, 1_234, "usd", customer, DateTimeOffset.UtcNow));
    }
}
