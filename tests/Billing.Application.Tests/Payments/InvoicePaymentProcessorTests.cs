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
            var (refunds, links) = (new RefundStore(s.Tables), new InvoicePaymentLinkStore(s.Tables));
            var placement = new RefundPlacement(refunds, links, s.Invoices, new PaymentStore(s.Tables));
            return new(s, s.RefundProcessor(), new InvoicePaymentProcessor(links, refunds, placement));
        }

        /// <summary>A charge refunded as the current API version sends it: its payment intent and customer, no invoice (unless <paramref name="stripeInvoice"/>: older versions).</summary>
        public Task<(string? InvoiceId, bool Recorded)> RefundAsync(string charge, long refunded, string? intent, string? stripeInvoice = null) =>
            Refunds.RecordAsync(new IncomingRefund("evt_" + Guid.NewGuid().ToString("N"), charge, intent, stripeInvoice, "cus_1", refunded, "USD", DateTimeOffset.UtcNow), Ct);

        public Task<InvoicePaymentOutcome> LinkAsync(string stripeInvoice, string paidBy, string? evt = null) =>
            Links.RecordAsync(new InvoicePaymentLink(evt ?? "evt_" + Guid.NewGuid().ToString("N"), "inpay_" + Guid.NewGuid().ToString("N")[..8], stripeInvoice, paidBy, DateTimeOffset.UtcNow), Ct);

        public async Task<List<(string Kind, string Subject)>> RefundFindingsAsync() =>
            [.. (await S.ReconcileAsync()).Where(p => p.Kind.StartsWith("Refund", StringComparison.Ordinal)).Select(p => (p.Kind, p.Subject))];

        public static string ByCustomer(params string[] invoices) => $"cus_1 ({string.Join(", ", invoices.Order(StringComparer.Ordinal))})";
    }

    [Fact]
    public async Task RecordAsync_LinkBeforeTheRefund_RefundRecordedUnderTheInvoiceItPaid()
    {
        var t = await Setup.NewAsync(azurite);
        var (invoiceId, _, stripeInvoice) = await t.S.PaidInvoiceAsync();

        Assert.Equal(new InvoicePaymentOutcome(true, 0), await t.LinkAsync(stripeInvoice, "pi_basil"));
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
        Assert.Equal([("RefundWithoutCreditNote", Setup.ByCustomer(invoiceId))], await t.RefundFindingsAsync()); // by customer until the link arrives

        const string Evt = "evt_link_once";
        Assert.Equal(new InvoicePaymentOutcome(true, 1), await t.LinkAsync(stripeInvoice, "pi_late", Evt));

        Assert.Equal([("RefundWithoutCreditNote", invoiceId)], await t.RefundFindingsAsync());
        Assert.Equal(new InvoicePaymentOutcome(false, 0), await t.LinkAsync(stripeInvoice, "pi_late", Evt));
        Assert.Equal((invoiceId, false), await t.RefundAsync("ch_early", 500, "pi_late")); // later deliveries find it under the invoice too
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RecordAsync_ChargeMadeWithoutPaymentIntent_LinkedByTheChargeInEitherOrder(bool linkFirst)
    {
        var t = await Setup.NewAsync(azurite);
        var (invoiceId, _, stripeInvoice) = await t.S.PaidInvoiceAsync();

        if (linkFirst)
        {
            await t.LinkAsync(stripeInvoice, "ch_direct");
            Assert.Equal((invoiceId, true), await t.RefundAsync("ch_direct", 500, intent: null));
        }
        else
        {
            Assert.Equal((null, true), await t.RefundAsync("ch_direct", 500, intent: null));
            Assert.Equal(new InvoicePaymentOutcome(true, 1), await t.LinkAsync(stripeInvoice, "ch_direct"));
        }

        Assert.Equal([("RefundWithoutCreditNote", invoiceId)], await t.RefundFindingsAsync());
    }

    // A payment intent that paid two of our invoices: which one a refund on it concerns is not known, so it is compared by
    // customer, in whatever order the refund and the two links arrive (a link seen alone first places it, the second undoes that).
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task RecordAsync_OnePaymentPaidTwoOfOurInvoices_MatchesNeitherWhateverTheOrder(int refundAfterLinks)
    {
        var t = await Setup.NewAsync(azurite);
        var (first, _, firstStripe) = await t.S.PaidInvoiceAsync();
        var (second, _, secondStripe) = await t.S.PaidInvoiceAsync();
        var steps = new List<Func<Task>> { () => t.LinkAsync(firstStripe, "pi_both"), () => t.LinkAsync(secondStripe, "pi_both") };
        steps.Insert(refundAfterLinks, () => t.RefundAsync("ch_both", 500, "pi_both"));

        foreach (var step in steps)
        {
            await step();
        }

        Assert.Equal([("RefundWithoutCreditNote", Setup.ByCustomer(first, second))], await t.RefundFindingsAsync());
    }

    // What an earlier link of the charge decided first keeps deciding: the Stripe invoice the charge named, or the payment
    // intent two invoice.paid events named (ambiguous: it stays compared by customer).
    [Fact]
    public async Task RecordAsync_LinkDoesNotOverrideWhatTheChargeOrThePaymentsSaid()
    {
        var t = await Setup.NewAsync(azurite);
        var (first, _, firstStripe) = await t.S.PaidInvoiceAsync();   // both paid through pi_1 (invoice.paid of an older API version)
        var (second, _, secondStripe) = await t.S.PaidInvoiceAsync();
        Assert.Equal(first, (await t.RefundAsync("ch_named", 500, "pi_x", stripeInvoice: firstStripe)).InvoiceId);
        Assert.Null((await t.RefundAsync("ch_pi1", 300, "pi_1")).InvoiceId);

        Assert.Equal(0, (await t.LinkAsync(secondStripe, "pi_x")).RefundsMoved);
        Assert.Equal(0, (await t.LinkAsync(firstStripe, "pi_1")).RefundsMoved);

        Assert.Equal(
            [("RefundWithoutCreditNote", first), ("RefundWithoutCreditNote", Setup.ByCustomer(first, second))],
            (await t.RefundFindingsAsync()).Order());
    }

    // No Stripe sync and the links delivered before invoice.paid: which invoice of ours the Stripe invoice is becomes known
    // only with the payment, and the refund is placed then.
    [Fact]
    public async Task PaymentRecorded_OurInvoiceKnownOnlyThen_PlacesTheLinkedRefundBeforeTheBurn()
    {
        var t = await Setup.NewAsync(azurite);
        var (invoiceId, _, stripeInvoice) = await t.S.PaidInvoiceAsync(paidMinor: 0); // not synced, not paid yet
        Assert.Equal(new InvoicePaymentOutcome(true, 0), await t.LinkAsync(stripeInvoice, "pi_early"));
        Assert.Equal((null, true), await t.RefundAsync("ch_early", 500, "pi_early"));

        await t.S.Payments.RecordAsync(CreditNoteSetup.Paid(invoiceId, stripeInvoice, 10_000), Ct); // places it, before its burn is settled

        Assert.Equal([("RefundWithoutCreditNote", invoiceId)], await t.RefundFindingsAsync());
        Assert.Equal(0, await t.Links.PlaceRefundsOfAsync(stripeInvoice, [], Ct)); // nothing left to place
    }

    [Fact]
    public async Task RecordAsync_StripeInvoiceOfNoneOfOurs_RecordedAndMatchesNothing()
    {
        var t = await Setup.NewAsync(azurite);

        Assert.Equal(new InvoicePaymentOutcome(true, 0), await t.LinkAsync("in_other_integration", "pi_other"));

        Assert.Equal((null, true), await t.RefundAsync("ch_other", 500, "pi_other"));
    }

    // Someone with storage write access plants a link whose invoice is no text. Read as no link (before), a payment of several
    // invoices looked like a payment of one; now the placement is refused naming the row (the webhook answers 503), the refund
    // stays recorded under no invoice, compared by its customer, and reconcile names the link.
    [Fact]
    public async Task RecordAsync_LinkRowPlantedWithAnInvoiceThatIsNoText_RefusedNamingTheRowRefundComparedByCustomer()
    {
        var t = await Setup.NewAsync(azurite);
        var (invoiceId, _, _) = await t.S.PaidInvoiceAsync();
        await t.S.Tables.Refunds.AddEntityAsync(new TableEntity(InvoicePaymentLinkStore.Partition, "pi_planted|in_x") { ["PaymentId"] = "pi_planted", ["StripeInvoiceId"] = 42 });

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => t.RefundAsync("ch_planted", 500, "pi_planted"));

        Assert.Contains("row 'pi_planted|in_x'), property 'StripeInvoiceId'", refused.Message, StringComparison.Ordinal);
        Assert.Null((await new RefundStore(t.S.Tables).GetAsync("ch_planted", Ct))!.Value.Record.InvoiceId);
        Assert.Equal([("RefundWithoutCreditNote", Setup.ByCustomer(invoiceId))], await t.RefundFindingsAsync());
        Assert.Contains(await t.S.ReconcileAsync(), p => p.Kind == "InvoicePaymentLinkUnreadable" && p.Subject == "link pi_planted|in_x" && p.Detail.Contains("'StripeInvoiceId'", StringComparison.Ordinal));
    }
}
