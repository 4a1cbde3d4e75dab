using Billing.Application.Payments;
using Billing.Domain.Credits;
using Billing.Domain.Payments;

namespace Billing.Application.Tests.Payments;

/// <summary>
/// Stripe's <c>invoice_payment.paid</c> on Azurite, as the current API version needs it: a refunded charge names its payment
/// intent but no invoice, and this link is what puts the refund under the invoice it paid, whichever arrives first.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class InvoicePaymentProcessorTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private sealed record Setup(CreditNoteSetup S, RefundProcessor Refunds, InvoicePaymentProcessor Links)
    {
        public static async Task<Setup> NewAsync(AzuriteFixture azurite)
        {
            var s = await CreditNoteSetup.NewAsync(azurite);
            var (refunds, links, payments) = (new RefundStore(s.Tables), new InvoicePaymentLinkStore(s.Tables), new PaymentStore(s.Tables));
            return new(s, new RefundProcessor(refunds, links, s.Invoices, payments), new InvoicePaymentProcessor(links, refunds, s.Invoices, payments));
        }

        /// <summary>A charge refunded as the current API version sends it: its payment intent and customer, no invoice.</summary>
        public Task<(string? InvoiceId, bool Recorded)> RefundAsync(string charge, long refunded, string? intent) =>
            Refunds.RecordAsync(new IncomingRefund("evt_" + Guid.NewGuid().ToString("N"), charge, intent, null, "cus_1", refunded, "USD", DateTimeOffset.UtcNow), Ct);

        public Task<InvoicePaymentOutcome> LinkAsync(string stripeInvoice, string paidBy, string? evt = null) =>
            Links.RecordAsync(new InvoicePaymentLink(evt ?? "evt_" + Guid.NewGuid().ToString("N"), "inpay_" + Guid.NewGuid().ToString("N")[..8], stripeInvoice, paidBy, DateTimeOffset.UtcNow), Ct);

        public async Task<List<(string Kind, string Subject)>> RefundFindingsAsync() =>
            [.. (await S.ReconcileAsync()).Where(p => p.Kind.StartsWith("Refund", StringComparison.Ordinal)).Select(p => (p.Kind, p.Subject))];
    }

    [Fact]
    public async Task RecordAsync_LinkBeforeTheRefund_RefundRecordedUnderTheInvoiceItPaid()
    {
        var t = await Setup.NewAsync(azurite);
        var (invoiceId, _, stripeInvoice) = await t.S.PaidInvoiceAsync();

        Assert.Equal(new InvoicePaymentOutcome(invoiceId, true, 0), await t.LinkAsync(stripeInvoice, "pi_basil"));
        Assert.Equal((invoiceId, true), await t.RefundAsync("ch_basil", 500, "pi_basil"));

        Assert.Equal([("RefundWithoutCreditNote", invoiceId)], await t.RefundFindingsAsync());
        Assert.Equal("ch_basil", Assert.Single(await new RefundStore(t.S.Tables).OfInvoiceAsync(invoiceId, Ct)).ChargeId); // what holds its burn
    }

    [Fact]
    public async Task RecordAsync_RefundBeforeTheLink_MovedUnderTheInvoice_ReplayMovesNothing()
    {
        var t = await Setup.NewAsync(azurite);
        var (invoiceId, _, stripeInvoice) = await t.S.PaidInvoiceAsync();
        Assert.Equal((null, true), await t.RefundAsync("ch_early", 500, "pi_late"));
        Assert.Equal([("RefundWithoutCreditNote", $"cus_1 ({invoiceId})")], await t.RefundFindingsAsync()); // by customer until the link arrives

        const string Evt = "evt_link_once";
        Assert.Equal(new InvoicePaymentOutcome(invoiceId, true, 1), await t.LinkAsync(stripeInvoice, "pi_late", Evt));

        Assert.Equal([("RefundWithoutCreditNote", invoiceId)], await t.RefundFindingsAsync());
        Assert.Equal(new InvoicePaymentOutcome(invoiceId, false, 0), await t.LinkAsync(stripeInvoice, "pi_late", Evt));
        Assert.Equal((invoiceId, false), await t.RefundAsync("ch_early", 500, "pi_late")); // later deliveries find it under the invoice too
    }

    [Fact]
    public async Task RecordAsync_ChargeMadeWithoutPaymentIntent_LinkedByTheCharge()
    {
        var t = await Setup.NewAsync(azurite);
        var (invoiceId, _, stripeInvoice) = await t.S.PaidInvoiceAsync();

        await t.LinkAsync(stripeInvoice, "ch_direct");

        Assert.Equal((invoiceId, true), await t.RefundAsync("ch_direct", 500, intent: null));
    }

    // A payment intent that paid two of our invoices: which one a refund on it concerns is not known, so it stays with the
    // customer, before and after the second link.
    [Fact]
    public async Task RecordAsync_OnePaymentPaidTwoOfOurInvoices_MatchesNeither()
    {
        var t = await Setup.NewAsync(azurite);
        var (first, _, firstStripe) = await t.S.PaidInvoiceAsync();
        var (second, _, secondStripe) = await t.S.PaidInvoiceAsync();
        Assert.Equal(first, (await t.LinkAsync(firstStripe, "pi_both")).InvoiceId);

        Assert.Null((await t.LinkAsync(secondStripe, "pi_both")).InvoiceId);

        Assert.Equal((null, true), await t.RefundAsync("ch_both", 500, "pi_both"));
        Assert.Equal([("RefundWithoutCreditNote", $"cus_1 ({string.Join(", ", new[] { first, second }.Order(StringComparer.Ordinal))})")], await t.RefundFindingsAsync());
    }

    [Fact]
    public async Task RecordAsync_LinkMovesNoRefundAlreadyUnderAnotherInvoice()
    {
        var t = await Setup.NewAsync(azurite);
        var (first, _, firstStripe) = await t.S.PaidInvoiceAsync();
        var (_, _, secondStripe) = await t.S.PaidInvoiceAsync();
        await t.LinkAsync(firstStripe, "pi_a");
        Assert.Equal(first, (await t.RefundAsync("ch_a", 500, "pi_a")).InvoiceId);

        Assert.Equal(0, (await t.LinkAsync(secondStripe, "ch_a")).RefundsMatched);

        Assert.Equal([("RefundWithoutCreditNote", first)], await t.RefundFindingsAsync());
    }

    [Fact]
    public async Task RecordAsync_StripeInvoiceOfNoneOfOurs_RecordedAndMatchesNothing()
    {
        var t = await Setup.NewAsync(azurite);

        Assert.Equal(new InvoicePaymentOutcome(null, true, 0), await t.LinkAsync("in_other_integration", "pi_other"));

        Assert.Equal((null, true), await t.RefundAsync("ch_other", 500, "pi_other"));
    }

    // Someone with storage write access plants a link whose invoice is no text: it names nothing, and the refund is still
    // recorded and reported by its customer rather than failing the webhook.
    [Fact]
    public async Task RecordAsync_LinkRowPlantedWithAnInvoiceThatIsNoText_NamesNothing()
    {
        var t = await Setup.NewAsync(azurite);
        var (invoiceId, _, _) = await t.S.PaidInvoiceAsync();
        await t.S.Tables.Refunds.AddEntityAsync(new TableEntity(InvoicePaymentLinkStore.Partition, "pi_planted|in_x") { ["PaymentId"] = "pi_planted", ["StripeInvoiceId"] = 42 });

        Assert.Equal((null, true), await t.RefundAsync("ch_planted", 500, "pi_planted"));

        Assert.Equal([("RefundWithoutCreditNote", $"cus_1 ({invoiceId})")], await t.RefundFindingsAsync());
    }
}
