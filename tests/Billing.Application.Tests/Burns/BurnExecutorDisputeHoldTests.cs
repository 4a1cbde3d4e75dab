namespace Billing.Application.Tests.Burns;

/// <summary>
/// Disputes that are placed under no single invoice, on the localnet: a dispute of a charge that paid several invoices holds
/// the unsigned burn of each, and one that no invoice is found for yet holds the burns it may concern (the invoices its
/// charge's customer paid, or, with no customer known, those whose payment no charge is tied to yet) until it is placed.
/// </summary>
public class BurnExecutorDisputeHoldTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>Stripe's <c>charge.dispute.*</c> of <paramref name="disputeId"/> on <paramref name="chargeId"/> (payment intent <paramref name="intentId"/>), recorded and placed as the webhook does.</summary>
    private static Task<(DisputeRecord Dispute, bool Recorded)> DisputeAsync(
        BillingTables tables, string disputeId, string chargeId, string intentId, string status = "needs_response", string currency = "USD")
    {
        var refunds = new RefundStore(tables);
        var processor = new DisputeProcessor(refunds, new RefundPlacement(refunds, new InvoicePaymentLinkStore(tables), new InvoiceStore(tables), new PaymentStore(tables)));
        return processor.RecordAsync(
            new IncomingDispute("evt_" + Guid.NewGuid().ToString("N"), "charge.dispute.created", disputeId, chargeId, intentId, 5_000, currency, status, "fraudulent", DateTimeOffset.UtcNow), Ct);
    }

    /// <summary><c>invoice_payment.paid</c>: <paramref name="paymentId"/> paid the Stripe invoice the burn's payment was recorded from (<see cref="PaidBurns"/>: <c>in_{paymentId}</c>).</summary>
    private static Task LinkAsync(BillingTables tables, string paymentId, BurnIntent paidBy) => new InvoicePaymentLinkStore(tables).RecordAsync(
        new InvoicePaymentLink("evt_" + Guid.NewGuid().ToString("N"), "inpay_" + Guid.NewGuid().ToString("N")[..10], "in_" + paidBy.PaymentId, paymentId, DateTimeOffset.UtcNow), Ct);

    // Before: placement found two invoices, placed the dispute under none, and neither burn was held: the disputed cash burned twice over.
    [Fact]
    public async Task RunAsync_DisputeOfAPaymentThatPaidTwoInvoices_HoldsBothBurnsNamingIt()
    {
        var h = await BurnHarness.NewAsync(chain);
        ulong supply = await h.SupplyAsync();
        var first = await h.CreateIntentAsync();
        var second = await h.CreateIntentAsync(10_000);
        await LinkAsync(h.Tables, "pi_multi", first);
        await LinkAsync(h.Tables, "pi_multi", second);
        var (dispute, _) = await DisputeAsync(h.Tables, "du_multi", "ch_multi", "pi_multi");
        Assert.Null(dispute.InvoiceId); // two invoices: placed under none

        await h.NewExecutor().RunAsync(Ct);
        await h.NewExecutor().RunAsync(Ct);

        foreach (var intent in new[] { first, second })
        {
            var held = await h.GetAsync(intent.Id);
            Assert.Equal((BurnStatus.Held, (string?)null, 0), (held.Status, held.Signature, held.Signings));
            Assert.Contains("Stripe dispute du_multi", held.Reason, StringComparison.Ordinal);
            Assert.Contains("paid several invoices", held.Reason, StringComparison.Ordinal);
        }

        Assert.Equal(supply, await h.SupplyAsync());
    }

    // Before: a dispute that no invoice was found for held nothing; the burn of the invoice it disputed could be signed before
    // invoice_payment.paid placed it.
    [Fact]
    public async Task RunAsync_UnplacedDisputeAndAPaymentTiedToNoCharge_HoldsThatBurnUntilPlacedOnly()
    {
        var h = await BurnHarness.NewAsync(chain);
        ulong supply = await h.SupplyAsync();
        var untied = await h.CreateIntentAsync();
        var tied = await h.CreateIntentAsync(10_000);
        await LinkAsync(h.Tables, "pi_tied", tied); // its payment is known, and is not the disputed one
        var (dispute, _) = await DisputeAsync(h.Tables, "du_unplaced", "ch_unplaced", "pi_unplaced");
        Assert.Null(dispute.InvoiceId);

        await h.NewExecutor().RunAsync(Ct);
        await h.NewExecutor().RunAsync(Ct);

        var held = await h.GetAsync(untied.Id);
        Assert.Equal((BurnStatus.Held, 0), (held.Status, held.Signings));
        Assert.Contains("Stripe dispute du_unplaced", held.Reason, StringComparison.Ordinal);
        Assert.Contains("DisputeUnplaced", held.Reason, StringComparison.Ordinal);
        await h.AssertLandedOnceAsync(tied.Id, supply, 4_000_000_000); // 100.00 USD at 2.50: not held by another's dispute

        // invoice_payment.paid arrives: the dispute was of the other invoice's payment, so it is placed there and this burn is free.
        var landed = await h.GetAsync(tied.Id);
        await LinkAsync(h.Tables, "pi_unplaced", tied);
        var refunds = new RefundStore(h.Tables);
        var placement = new RefundPlacement(refunds, new InvoicePaymentLinkStore(h.Tables), new InvoiceStore(h.Tables), new PaymentStore(h.Tables));
        Assert.Equal((tied.InvoiceId, true), await placement.PlaceDisputeAsync("du_unplaced", Ct));
        await h.NewExecutor().RunAsync(Ct);
        await h.NewExecutor().RunAsync(Ct);

        Assert.Equal((BurnStatus.Finalized, 1), ((await h.GetAsync(untied.Id)).Status, (await h.GetAsync(untied.Id)).Signings));
        Assert.Equal(landed, await h.GetAsync(tied.Id)); // signed before the dispute was placed: nothing is un-burned
    }

    [Fact]
    public async Task RunAsync_UnplacedDisputeOfAnotherCurrency_HoldsNothing()
    {
        var h = await BurnHarness.NewAsync(chain);
        ulong supply = await h.SupplyAsync();
        var intent = await h.CreateIntentAsync();
        await DisputeAsync(h.Tables, "du_eur", "ch_eur", "pi_eur", currency: "EUR");

        await h.NewExecutor().RunAsync(Ct);
        await h.NewExecutor().RunAsync(Ct);

        await h.AssertLandedOnceAsync(intent.Id, supply);
    }
}
