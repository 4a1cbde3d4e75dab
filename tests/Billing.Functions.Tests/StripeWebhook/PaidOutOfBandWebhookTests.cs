namespace Billing.Functions.Tests.StripeWebhook;

/// <summary>
/// An invoice marked paid outside Stripe (the Dashboard's "mark as paid": <c>invoice.paid</c> with <c>paid_out_of_band</c>)
/// brought no money through Stripe: it is recorded unapplied and reported for finance, never booked as Stripe cash nor burned.
/// Each test has a payer of its own and invoices of 2016 (a year no other test uses).
/// </summary>
[Collection(PlatformCollections.Payments)]
public class PaidOutOfBandWebhookTests(PlatformFixture platform)
{
    private readonly SignedStripe stripe = new(platform);

    [Fact]
    public async Task Webhook_InvoiceMarkedPaidOutsideStripe_UnappliedNothingBookedNoBurnAndReported()
    {
        // Before: applied as Stripe cash (cash:stripe), the invoice paid and its burn signed for money that never came through Stripe.
        var (payer, customer, suffix) = await stripe.NewPayerAsync("oob");
        string id = $"INV-{payer}-201601", synced = "in_oob_" + suffix, eventId = "evt_oob_" + suffix;
        await stripe.StoreInvoiceAsync(id, synced, book: true);
        string payload = StripeTestEvents.InvoicePaid(eventId, synced, id, 1_234, "usd", customer, DateTimeOffset.UtcNow, paidOutOfBand: true);

        var (status, body) = await stripe.PostAsync(payload);
        var (replayStatus, replay) = await stripe.PostAsync(payload);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (status, replayStatus));
        Assert.Equal(("unapplied", "PaidOutOfBand", "finalized", null), (body!["resolution"]?.GetValue<string>(), body["reason"]?.GetValue<string>(),
            body["invoiceStatus"]?.GetValue<string>(), body["burnId"]?.GetValue<string>()));
        Assert.Equal((true, "PaidOutOfBand"), (replay!["replay"]!.GetValue<bool>(), replay["reason"]?.GetValue<string>()));
        Assert.Empty((await stripe.GetAsync($"api/v1/burns?invoiceId={id}")).AsArray());
        var finding = Assert.Single((await stripe.GetAsync("api/v1/ledger/reconcile"))["mismatches"]!.AsArray(), m => m!["subject"]!.GetValue<string>() == eventId)!; // not PaymentNotBooked: nothing is owed a booking
        Assert.Equal(("PaymentPaidOutOfBand", true), (finding["kind"]!.GetValue<string>(), finding["acknowledgeable"]!.GetValue<bool>()));
        Assert.Contains("paid_out_of_band", finding["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
