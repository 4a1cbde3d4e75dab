namespace Billing.Application.Tests.Burns;

/// <summary>
/// Refund steps written into the book outside the platform, on the localnet: a step planted under no subject does not take a
/// real refund out of the invoice's index, so the book still holds the burn once the refund's row is gone.
/// </summary>
public class BurnExecutorRefundStepTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task RunAsync_StepPlantedUnderNoSubjectThenARealRefundAndItsRowDeleted_HeldNamingTheRealStep()
    {
        // Before: the real refund counted from the planted step's total and booked nothing, so nothing under the invoice or its
        // customer held the burn once the refund row was deleted: it was signed although 50.00 went back.
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        var planted = RefundEntries.Refunded(new RefundBooking("ch_plant", 1, 5_000, 5_000, "USD", "evt_planted", null, null), 0, DateTimeOffset.UtcNow)!;
        await h.Ledger.AppendAsync(LedgerEntries.MainBook, planted, Ct);
        var refunds = new RefundStore(h.Tables);
        var (invoices, payments) = (new InvoiceStore(h.Tables), new PaymentStore(h.Tables));
        var processor = new RefundProcessor(refunds, new RefundPlacement(refunds, new InvoicePaymentLinkStore(h.Tables), invoices, payments),
            new RefundBookings(h.Ledger, refunds, invoices, payments, new CreditNoteStore(h.Tables)));
        string customer = "cus_" + InvoiceId.Parse(intent.InvoiceId).Payer;

        var (placed, _) = await processor.RecordAsync(
            new IncomingRefund("evt_re_plant", "ch_plant", null, "in_" + intent.PaymentId, customer, 5_000, "USD", DateTimeOffset.UtcNow), Ct);
        await h.Tables.Refunds.DeleteEntityAsync(RefundStore.Partition, "ch_plant", Azure.ETag.All, Ct); // as someone with write access to storage can
        await h.NewExecutor().RunAsync(Ct);
        await h.NewExecutor().RunAsync(Ct);

        Assert.Equal(intent.InvoiceId, placed);
        var held = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Held, (string?)null, 0), (held.Status, held.Signature, held.Signings));
        Assert.Contains(RefundEntries.Id("ch_plant", 2), held.Reason, StringComparison.Ordinal);
        Assert.Contains("RefundRowMissing", held.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());
    }
}
