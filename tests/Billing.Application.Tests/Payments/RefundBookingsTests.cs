namespace Billing.Application.Tests.Payments;

/// <summary>
/// Stripe refunds booked on Azurite (<see cref="RefundBookings"/>, through the refund processor as the webhook runs it): the
/// cash that went out once per step of a charge's cumulative amount, whatever the delivery order, replays and later placing;
/// the balances add up with the credit note that made the refund, and with an overpayment it returns.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class RefundBookingsTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static IncomingRefund Refund(string charge, long refunded, string? stripeInvoice, string? intent = null, string? evt = null, int minute = 0) =>
        new(evt ?? "evt_" + Guid.NewGuid().ToString("N"), charge, intent, stripeInvoice, "cus_1", refunded, "USD", DateTimeOffset.UtcNow.AddMinutes(minute));

    private static async Task<List<LedgerEntry>> RefundEntriesAsync(CreditNoteSetup s) =>
        [.. (await s.EntriesAsync()).Where(e => e.Kind == LedgerEntryKind.PaymentRefunded)];

    [Fact]
    public async Task RecordAsync_RefundDeliveredAndReplayed_BooksOneEntryOfTheCashThatWentOut()
    {
        // Before: nothing was booked from a refund, though the cash left Stripe.
        var s = await CreditNoteSetup.NewAsync(azurite);
        var processor = s.RefundProcessor();
        var (invoiceId, payer, stripeInvoice) = await s.PaidInvoiceAsync();
        var refund = Refund("ch_1", 3_000, stripeInvoice, evt: "evt_re_1");

        await processor.RecordAsync(refund, Ct);
        await processor.RecordAsync(refund, Ct);
        await processor.RecordAsync(refund with { EventId = "evt_re_other" }, Ct);

        var entry = Assert.Single(await RefundEntriesAsync(s));
        Assert.Equal(RefundEntries.Id("ch_1", 1), entry.EntryId);
        Assert.Equal(
            [new Posting(Accounts.CashStripe, "USD", -3_000), new Posting(Accounts.ClearingRefunds, "USD", 3_000)],
            entry.Postings.OrderBy(p => p.Account, StringComparer.Ordinal));
        Assert.Equal(("ch_1", invoiceId, payer, "3000", "USD", "evt_re_1"),
            (entry.Metadata["chargeId"], entry.Metadata["invoiceId"], entry.Metadata["payer"], entry.Metadata["amountRefundedMinor"], entry.Metadata["currency"], entry.Metadata["stripeEventId"]));
        Assert.Equal(7_000, await s.BalanceAsync(Accounts.CashStripe));
    }

    [Fact]
    public async Task RecordAsync_FurtherRefundOnTheChargeThenAnOlderDelivery_BooksOnlyTheDifference()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var processor = s.RefundProcessor();
        var (_, _, stripeInvoice) = await s.PaidInvoiceAsync();

        await processor.RecordAsync(Refund("ch_1", 3_000, stripeInvoice, minute: 1), Ct);
        await processor.RecordAsync(Refund("ch_1", 5_000, stripeInvoice, minute: 2), Ct);
        await processor.RecordAsync(Refund("ch_1", 3_000, stripeInvoice, minute: 1), Ct);

        var entries = await RefundEntriesAsync(s);
        Assert.Equal([(RefundEntries.Id("ch_1", 1), "3000", "3000"), (RefundEntries.Id("ch_1", 2), "5000", "2000")],
            entries.Select(e => (e.EntryId, e.Metadata["amountRefundedMinor"], e.Metadata["refundedMinor"])));
        Assert.Equal(5_000, await s.BalanceAsync(Accounts.CashStripe));
    }

    [Fact]
    public async Task RecordAsync_RefundUnderNoInvoicePlacedLater_StillOneEntryKeyedByItsCustomer()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var processor = s.RefundProcessor();
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync();
        var refund = Refund("ch_late", 2_000, stripeInvoice: null, intent: "pi_late");
        Assert.Null((await processor.RecordAsync(refund, Ct)).InvoiceId);
        var links = new InvoicePaymentLinkStore(s.Tables);
        var refunds = new RefundStore(s.Tables);
        var placing = new InvoicePaymentProcessor(links, refunds, new RefundPlacement(refunds, links, s.Invoices, new PaymentStore(s.Tables)));

        await placing.RecordAsync(new InvoicePaymentLink("evt_link", "inpay_1", stripeInvoice, "pi_late", DateTimeOffset.UtcNow), Ct);
        Assert.Equal(invoiceId, (await refunds.GetAsync("ch_late", Ct))!.Value.Record.InvoiceId);
        Assert.Equal(invoiceId, (await processor.RecordAsync(refund, Ct)).InvoiceId);

        var entry = Assert.Single(await RefundEntriesAsync(s));
        Assert.False(entry.Metadata.ContainsKey("invoiceId")); // booked while under no invoice
        Assert.Equal([entry.EntryId], (await s.Ledger.IndexedAsync(LedgerEntries.MainBook, LedgerIndex.Customer("cus_1"), Ct)).Select(e => e.EntryId));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RecordAsync_RefundItsCreditNoteMade_EitherOrder_CashOutOnceAndClearingSettled(bool noteFirst)
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var processor = s.RefundProcessor();
        var (_, _, stripeInvoice) = await s.PaidInvoiceAsync();
        var note = CreditNoteSetup.Note(stripeInvoice, 3_000);

        if (noteFirst)
        {
            await s.Credits.RecordAsync(note, Ct);
        }

        await processor.RecordAsync(Refund("ch_1", 3_000, stripeInvoice), Ct);
        if (!noteFirst)
        {
            Assert.Equal(3_000, await s.BalanceAsync(Accounts.ClearingRefunds)); // refunded, not yet explained
            await s.Credits.RecordAsync(note, Ct);
        }

        Assert.Equal((7_000L, 0L, 3_000L), (await s.BalanceAsync(Accounts.CashStripe), await s.BalanceAsync(Accounts.ClearingRefunds), await s.BalanceAsync(Accounts.RevenueCreditNotes)));
        Assert.DoesNotContain(await s.ReconcileAsync(), p => p.Kind.StartsWith("Refund", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecordAsync_RefundOfAnOverpayment_TakenFromTheCustomersCredit()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var processor = s.RefundProcessor();
        var (_, payer, stripeInvoice) = await s.PaidInvoiceAsync(paidMinor: 12_000); // 20.00 beyond the 100.00 due
        Assert.Equal(-2_000, await s.BalanceAsync(Accounts.CustomerCredit(payer)));

        await processor.RecordAsync(Refund("ch_1", 2_500, stripeInvoice), Ct);

        Assert.Equal((0L, 500L, 9_500L), (await s.BalanceAsync(Accounts.CustomerCredit(payer)), await s.BalanceAsync(Accounts.ClearingRefunds), await s.BalanceAsync(Accounts.CashStripe)));
    }
    [Fact]
    public async Task RecordAsync_RefundOfACreditNoteBookedBeforeToday_CashOutOnceThenOnlyTheFurtherRefund()
    {
        // Before: the refund step took the 30.00 out of cash:stripe again, though the note booked before today already had.
        var s = await CreditNoteSetup.NewAsync(azurite);
        var processor = s.RefundProcessor();
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync();
        var note = CreditNoteSetup.Note(stripeInvoice, 3_000);
        await s.BookAsBeforeTodayAsync(note, invoiceId);
        await s.Credits.RecordAsync(note, Ct);

        await processor.RecordAsync(Refund("ch_1", 3_000, stripeInvoice, minute: 1), Ct);
        Assert.Equal((7_000L, 0L), (await s.BalanceAsync(Accounts.CashStripe), await s.BalanceAsync(Accounts.ClearingRefunds)));

        await processor.RecordAsync(Refund("ch_1", 5_000, stripeInvoice, minute: 2), Ct); // 20.00 more, no note behind it
        await processor.RecordAsync(Refund("ch_1", 5_000, stripeInvoice, minute: 2), Ct); // Stripe's retry

        Assert.Equal((5_000L, 2_000L), (await s.BalanceAsync(Accounts.CashStripe), await s.BalanceAsync(Accounts.ClearingRefunds)));
    }

    [Fact]
    public async Task RecordAsync_StepPlantedWithAHighTotal_RealRefundsStillBookedAndThePlantReported()
    {
        // Before: each real refund was below the planted step's total and booked nothing.
        var s = await CreditNoteSetup.NewAsync(azurite);
        var processor = s.RefundProcessor();
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync();
        var planted = RefundEntries.Refunded(new RefundBooking("ch_1", 1, 9_000, 9_000, "USD", "evt_planted", invoiceId, "cus_1"), 0, DateTimeOffset.UtcNow)!;
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, planted, Ct);

        await processor.RecordAsync(Refund("ch_1", 3_000, stripeInvoice, minute: 1), Ct);

        Assert.Equal((RefundEntries.Id("ch_1", 2), "3000", "3000"), Step(Assert.Single(await RefundEntriesAsync(s), e => e.EntryId != planted.EntryId)));
        var findings = await s.ReconcileAsync();
        Assert.Equal([("RefundRowMissing", invoiceId)], findings.Where(f => f.Kind is "RefundRowMissing" or "EntryMismatch" or "EntryWithoutSource").Select(f => (f.Kind, f.Subject)));

        await processor.RecordAsync(Refund("ch_1", 9_500, stripeInvoice, minute: 2), Ct); // Stripe's total now above the planted one

        Assert.Equal((RefundEntries.Id("ch_1", 3), "9500", "6500"), Step((await RefundEntriesAsync(s)).Single(e => e.EntryId == RefundEntries.Id("ch_1", 3))));
        var off = Assert.Single(await s.ReconcileAsync(), f => f.Kind is "RefundRowMissing" or "EntryMismatch" or "EntryWithoutSource");
        Assert.Equal(("EntryMismatch", planted.EntryId), (off.Kind, off.Subject));
        Assert.Contains("off the chain", off.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_StepPlantedUnderNoSubject_NextRefundBookedWholeUnderTheInvoiceAndThePlantReported()
    {
        // Before: the real step counted from the planted one, so 20.00 of the refund stayed out of the invoice's index (the burn
        // holds read it), and reconcile took the planted step for one booked before the refund was placed under its invoice.
        var s = await CreditNoteSetup.NewAsync(azurite);
        var processor = s.RefundProcessor();
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync();
        await processor.RecordAsync(Refund("ch_1", 2_000, stripeInvoice, minute: 1), Ct);
        var planted = RefundEntries.Refunded(new RefundBooking("ch_1", 2, 4_000, 2_000, "USD", "evt_planted", null, null), 0, DateTimeOffset.UtcNow)!;
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, planted, Ct);

        await processor.RecordAsync(Refund("ch_1", 5_000, stripeInvoice, minute: 2), Ct);

        var indexed = await s.Ledger.IndexedAsync(LedgerEntries.MainBook, LedgerIndex.Invoice(invoiceId), Ct);
        Assert.Equal([(RefundEntries.Id("ch_1", 1), "2000", "2000"), (RefundEntries.Id("ch_1", 3), "5000", "3000")],
            indexed.Where(e => e.Kind == LedgerEntryKind.PaymentRefunded).OrderBy(e => e.Sequence).Select(Step));
        var off = Assert.Single(await s.ReconcileAsync(), f => f.Kind is "RefundRowMissing" or "EntryMismatch" or "EntryWithoutSource");
        Assert.Equal(("EntryMismatch", planted.EntryId), (off.Kind, off.Subject));
        Assert.Contains("is indexed under no subject", off.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_RefundRowRaisedOutsideThePlatform_BooksOnlyWhatStripesEventsReported()
    {
        // Before: the next delivery booked the raised row's 90.00 as cash that went out, though Stripe reported 30.00.
        var s = await CreditNoteSetup.NewAsync(azurite);
        var processor = s.RefundProcessor();
        var (_, _, stripeInvoice) = await s.PaidInvoiceAsync();
        await processor.RecordAsync(Refund("ch_1", 2_000, stripeInvoice, minute: 1), Ct);
        var row = (await s.Tables.Refunds.GetEntityAsync<TableEntity>(RefundStore.Partition, "ch_1", cancellationToken: Ct)).Value;
        row["AmountRefundedMinor"] = 9_000L;
        row["EventId"] = "evt_planted";
        await s.Tables.Refunds.UpdateEntityAsync(row, Azure.ETag.All, TableUpdateMode.Replace, Ct);

        await processor.RecordAsync(Refund("ch_1", 3_000, stripeInvoice, minute: 2), Ct);

        Assert.Equal([(RefundEntries.Id("ch_1", 1), "2000", "2000"), (RefundEntries.Id("ch_1", 2), "3000", "1000")], (await RefundEntriesAsync(s)).Select(Step));
        Assert.Equal(7_000, await s.BalanceAsync(Accounts.CashStripe));
        Assert.DoesNotContain(await s.ReconcileAsync(), f => f.Kind is "EntryMismatch" or "EntryWithoutSource");
    }

    [Fact]
    public async Task RecordAsync_RefundOfAnOverpaymentStripeRefuted_NotTakenFromTheCustomersCredit()
    {
        // Before: the refuted payment's 20.00 beyond what was due counted, and the refund took it from the payer's credit.
        var s = await CreditNoteSetup.NewAsync(azurite);
        var processor = s.RefundProcessor();
        var (invoiceId, payer, stripeInvoice) = await s.PaidInvoiceAsync(paidMinor: 12_000);
        await new PaymentStore(s.Tables).SetStripeRefutationAsync(invoiceId, "evt_paid_" + payer, "NotPaid", Ct);

        await processor.RecordAsync(Refund("ch_1", 2_500, stripeInvoice), Ct);

        Assert.Equal((-2_000L, 2_500L), (await s.BalanceAsync(Accounts.CustomerCredit(payer)), await s.BalanceAsync(Accounts.ClearingRefunds)));
        Assert.DoesNotContain(await s.ReconcileAsync(), f => f.Kind is "EntryMismatch" or "EntryWithoutSource");
    }

    private static (string EntryId, string Amount, string Refunded) Step(LedgerEntry e) => (e.EntryId, e.Metadata["amountRefundedMinor"], e.Metadata["refundedMinor"]);
}
