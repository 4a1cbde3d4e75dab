namespace Billing.Application.Tests.Ledger;

/// <summary>
/// Reconcile compares what each entry of a kind it derives books (postings, and the metadata that names its records) with the
/// entry its records make (<c>EntryMismatch</c>), and finds entries no record stands behind (<c>EntryWithoutSource</c>): the
/// insider who rewrites the unanchored tail and recomputes the chain passes verify, not reconcile. Real processors on Azurite.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class LedgerAuditEntryTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static readonly string[] EntryKinds = ["EntryMismatch", "EntryWithoutSource"];

    private Task<CreditNoteSetup> NewAsync() => CreditNoteSetup.NewAsync(azurite);

    private static async Task<long> SequenceOfAsync(CreditNoteSetup s, string entryId) =>
        (await s.EntriesAsync()).Single(e => e.EntryId == entryId).Sequence;

    private static async Task<IReadOnlyList<AuditProblem>> EntryFindingsAsync(CreditNoteSetup s) =>
        [.. (await s.ReconcileAsync()).Where(m => EntryKinds.Contains(m.Kind))];

    private static async Task AssertChainVerifiesAsync(CreditNoteSetup s) => Assert.Empty(HashChain.Verify(await s.EntriesAsync()));

    [Fact]
    public async Task ReconcileAsync_InvoicePaymentAndCreditNoteAsBooked_NoEntryFinding()
    {
        var s = await NewAsync();
        var (_, _, stripeInvoice) = await s.PaidInvoiceAsync();
        await s.Credits.RecordAsync(CreditNoteSetup.Note(stripeInvoice, 3_000, pre: 0), Ct);
        var (_, _, voidedOn) = await s.PaidInvoiceAsync(12_000); // an overpayment: part of it to customer credit
        var voided = CreditNoteSetup.Note(voidedOn, 1_000);
        await s.Credits.RecordAsync(voided, Ct);
        await s.Credits.RecordAsync(voided with { EventId = "evt_void_" + voided.CreditNoteId, Voided = true }, Ct);

        Assert.Contains(await s.EntriesAsync(), e => e.Kind == LedgerEntryKind.CreditNoteVoided);
        Assert.Empty(await EntryFindingsAsync(s));
    }

    [Fact]
    public async Task ReconcileAsync_PaymentEntryAmountRewrittenWithTheChain_ReportsEntryMismatch()
    {
        var s = await NewAsync();
        var (_, payer, _) = await s.PaidInvoiceAsync();
        string entryId = LedgerEntries.PaymentId("evt_paid_" + payer);
        await LedgerForgery.RewriteAmountAsync(s.Ledger, await SequenceOfAsync(s, entryId), 1);
        await AssertChainVerifiesAsync(s);

        var finding = Assert.Single(await EntryFindingsAsync(s)); // before: nothing, the entry exists

        Assert.Equal(("EntryMismatch", entryId), (finding.Kind, finding.Subject));
        Assert.Contains($"posting {Accounts.CashStripe} USD: the book has 1, the payment record makes 10000", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReconcileAsync_InvoiceEntryAmountRewrittenWithTheChain_ReportsEntryMismatch()
    {
        var s = await NewAsync();
        var (invoiceId, payer, _) = await s.PaidInvoiceAsync();
        string entryId = LedgerEntries.InvoiceFinalizedId(invoiceId);
        await LedgerForgery.RewriteAmountAsync(s.Ledger, await SequenceOfAsync(s, entryId), 7);
        await AssertChainVerifiesAsync(s);

        var finding = Assert.Single(await EntryFindingsAsync(s));

        Assert.Equal(("EntryMismatch", entryId), (finding.Kind, finding.Subject));
        Assert.Contains($"posting {Accounts.Receivable(payer)} USD: the book has 7, the invoice makes 10000", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReconcileAsync_PaymentEntryNamingAnotherInvoice_ReportsEntryMismatch()
    {
        var s = await NewAsync();
        var (_, payer, _) = await s.PaidInvoiceAsync();
        string entryId = LedgerEntries.PaymentId("evt_paid_" + payer);
        await LedgerForgery.RewriteMetadataAsync(s.Ledger, await SequenceOfAsync(s, entryId), "invoiceId", "INV-someone-else-202610");

        var finding = Assert.Single(await EntryFindingsAsync(s));

        Assert.Equal(("EntryMismatch", entryId), (finding.Kind, finding.Subject));
        Assert.Contains("metadata invoiceId: the book has 'INV-someone-else-202610'", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReconcileAsync_CreditNoteEntryRewrittenToCustomerCredit_ReportsEntryMismatch()
    {
        var s = await NewAsync();
        var (_, payer, stripeInvoice) = await s.PaidInvoiceAsync();
        var note = CreditNoteSetup.Note(stripeInvoice, 3_000);
        await s.Credits.RecordAsync(note, Ct);
        string entryId = CreditNoteEntries.IssuedId(note.CreditNoteId);
        // The refund sent back through Stripe rewritten as credit the payer still holds with us.
        await LedgerForgery.RewriteAsync(s.Ledger, await SequenceOfAsync(s, entryId),
            e => ([.. e.Postings.Select(p => p.Account == Accounts.ClearingRefunds ? p with { Account = Accounts.CustomerCredit(payer) } : p)], e.Metadata));
        await AssertChainVerifiesAsync(s);

        var finding = Assert.Single(await EntryFindingsAsync(s));

        Assert.Equal(("EntryMismatch", entryId), (finding.Kind, finding.Subject));
        Assert.Contains("credit note", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReconcileAsync_PaymentEntryPlantedWithoutAPayment_ReportsEntryWithoutSource()
    {
        var s = await NewAsync();
        var (invoiceId, payer, _) = await s.PaidInvoiceAsync();
        var planted = LedgerEntries.PaymentApplied("evt_planted_" + payer, invoiceId, payer, "USD", 5_000, 0, 0, DateTimeOffset.UtcNow)!;
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, planted, Ct);

        var finding = Assert.Single(await EntryFindingsAsync(s));

        Assert.Equal(("EntryWithoutSource", planted.EntryId), (finding.Kind, finding.Subject));
        Assert.Contains("no payment", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReconcileAsync_InvoiceAndCreditNoteEntriesPlantedWithoutRecords_ReportsEachEntryWithoutSource()
    {
        var s = await NewAsync();
        var line = new InvoiceLine("offload.bytes", "Data offload", new Dictionary<string, string>(), 1, "DC", 0.01m, new Money(4_000, Currency.USD));
        var ghost = new Invoice(new InvoiceId("carrier-ghost-" + Guid.NewGuid().ToString("N")[..6], new BillingPeriod(2026, 10)), "carrier-standard-v1", InvoiceStatus.Draft, Currency.USD, [line]).Finalize();
        var invoiceEntry = LedgerEntries.InvoiceFinalized(ghost, DateTimeOffset.UtcNow)!;
        var note = new CreditNoteEntry("cn_planted", "in_ghost", "USD", new CreditNoteAmounts(1_000, 0, 1_000, 1_000, 0), true, default, DateTimeOffset.UtcNow, "evt_planted");
        var noteEntry = CreditNoteEntries.Issued(note, ghost.Id.ToString(), ghost.Payer, DateTimeOffset.UtcNow)!;
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, invoiceEntry, Ct);
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, noteEntry, Ct);

        var findings = (await EntryFindingsAsync(s)).Select(f => (f.Kind, f.Subject)).ToHashSet();

        Assert.Equal([("EntryWithoutSource", invoiceEntry.EntryId), ("EntryWithoutSource", noteEntry.EntryId)], findings);
    }
    [Fact]
    public async Task ReconcileAsync_CreditNoteBookedBeforeTodayWithCashOut_NoEntryFinding()
    {
        // Before: EntryMismatch (the book credits cash:stripe, today's derivation clearing:refunds), or the note's recording conflicted.
        var s = await NewAsync();
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync();
        var note = CreditNoteSetup.Note(stripeInvoice, 3_000);
        await s.BookAsBeforeTodayAsync(note, invoiceId);
        await s.Credits.RecordAsync(note, Ct);

        Assert.Empty(await EntryFindingsAsync(s));
        Assert.Equal((7_000L, 0L), (await s.BalanceAsync(Accounts.CashStripe), await s.BalanceAsync(Accounts.ClearingRefunds)));
    }

    [Fact]
    public async Task RecordAsync_CreditNoteBookedBeforeTodayVoidedNow_VoidReversesTheCashItTookOut()
    {
        var s = await NewAsync();
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync();
        var note = CreditNoteSetup.Note(stripeInvoice, 3_000);
        await s.BookAsBeforeTodayAsync(note, invoiceId);
        await s.Credits.RecordAsync(note, Ct);

        await s.Credits.RecordAsync(note with { EventId = "evt_void_" + note.CreditNoteId, Voided = true }, Ct);

        var voided = Assert.Single(await s.EntriesAsync(), e => e.Kind == LedgerEntryKind.CreditNoteVoided);
        Assert.Contains(new Posting(Accounts.CashStripe, "USD", 3_000), voided.Postings);
        Assert.Equal((10_000L, 0L, 0L), (await s.BalanceAsync(Accounts.CashStripe), await s.BalanceAsync(Accounts.ClearingRefunds), await s.BalanceAsync(Accounts.RevenueCreditNotes)));
        Assert.Empty(await EntryFindingsAsync(s));
    }

    private static IncomingRefund Refund(string charge, long refunded, string? stripeInvoice, int minute = 0) =>
        new("evt_" + Guid.NewGuid().ToString("N"), charge, null, stripeInvoice, "cus_1", refunded, "USD", DateTimeOffset.UtcNow.AddMinutes(minute));

    [Fact]
    public async Task ReconcileAsync_RefundsAsBooked_NoEntryFinding()
    {
        var s = await NewAsync();
        var processor = s.RefundProcessor();
        var (legacyInvoice, _, legacy) = await s.PaidInvoiceAsync(); // a note booked before the change, so before any refund step
        var note = CreditNoteSetup.Note(legacy, 3_000);
        await s.BookAsBeforeTodayAsync(note, legacyInvoice);
        await s.Credits.RecordAsync(note, Ct);
        var (_, _, plain) = await s.PaidInvoiceAsync();
        await processor.RecordAsync(Refund("ch_steps", 3_000, plain, minute: 1), Ct);
        await processor.RecordAsync(Refund("ch_steps", 5_000, plain, minute: 2), Ct);
        var (_, _, overpaid) = await s.PaidInvoiceAsync(12_000);
        await processor.RecordAsync(Refund("ch_over", 2_500, overpaid), Ct); // 20.00 of it from the payer's credit
        await processor.RecordAsync(Refund("ch_legacy", 3_000, legacy, minute: 1), Ct);
        await processor.RecordAsync(Refund("ch_legacy", 4_000, legacy, minute: 2), Ct);
        await processor.RecordAsync(Refund("ch_unplaced", 1_000, stripeInvoice: null), Ct);

        Assert.Equal(5, (await s.EntriesAsync()).Count(e => e.Kind == LedgerEntryKind.PaymentRefunded)); // the legacy note took the first 30.00 out already
        Assert.Empty(await EntryFindingsAsync(s));
    }

    [Fact]
    public async Task ReconcileAsync_RefundEntryAmountRewrittenWithTheChain_ReportsEntryMismatch()
    {
        // Before: refund entries were not compared; the rewrite passed.
        var s = await NewAsync();
        var (_, _, stripeInvoice) = await s.PaidInvoiceAsync();
        await s.RefundProcessor().RecordAsync(Refund("ch_1", 3_000, stripeInvoice), Ct);
        string entryId = RefundEntries.Id("ch_1", 1);
        await LedgerForgery.RewriteAmountAsync(s.Ledger, await SequenceOfAsync(s, entryId), 300);
        await AssertChainVerifiesAsync(s);

        var finding = Assert.Single(await EntryFindingsAsync(s));

        Assert.Equal(("EntryMismatch", entryId), (finding.Kind, finding.Subject));
        Assert.Contains($"posting {Accounts.CashStripe} USD: the book has -300, the refund row makes -3000", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReconcileAsync_RefundEntryRewrittenToTakeTheCustomersCredit_ReportsEntryMismatch()
    {
        var s = await NewAsync();
        var (_, payer, stripeInvoice) = await s.PaidInvoiceAsync();
        await s.RefundProcessor().RecordAsync(Refund("ch_1", 3_000, stripeInvoice), Ct);
        string entryId = RefundEntries.Id("ch_1", 1);
        // No overpayment: the refund rewritten as returning credit the payer never held, out of the clearing account.
        await LedgerForgery.RewriteAsync(s.Ledger, await SequenceOfAsync(s, entryId),
            e => ([.. e.Postings.Select(p => p.Account == Accounts.ClearingRefunds ? p with { Account = Accounts.CustomerCredit(payer) } : p)], e.Metadata));

        var finding = Assert.Single(await EntryFindingsAsync(s));

        Assert.Equal(("EntryMismatch", entryId), (finding.Kind, finding.Subject));
        Assert.Contains($"posting {Accounts.ClearingRefunds} USD: the book has none, the refund row makes 3000", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReconcileAsync_RealStepCountedFromAStepPlantedUnderNoSubject_ThePlantReportedTheRealStepsNot()
    {
        // Before: the planted step passed as one booked before the refund was placed under its invoice. The real step 3 counts
        // from it, as bookings did then: it stays on the chain, and only the plant is reported.
        var s = await NewAsync();
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync();
        await s.RefundProcessor().RecordAsync(Refund("ch_1", 2_000, stripeInvoice, minute: 1), Ct);
        var planted = RefundEntries.Refunded(new RefundBooking("ch_1", 2, 4_000, 2_000, "USD", "evt_planted", null, null), 0, DateTimeOffset.UtcNow)!;
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, planted, Ct);
        var raised = Refund("ch_1", 5_000, stripeInvoice, minute: 2);
        await new RefundStore(s.Tables).RecordAsync(raised, Ct);
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, RefundEntries.Refunded(new RefundBooking("ch_1", 3, 5_000, 1_000, "USD", raised.EventId, invoiceId, "cus_1"), 0, raised.At)!, Ct);

        var finding = Assert.Single(await EntryFindingsAsync(s));

        Assert.Equal(("EntryMismatch", planted.EntryId), (finding.Kind, finding.Subject));
        Assert.Contains($"is indexed under no subject, but its refund row places the charge under invoice {invoiceId} and names customer cus_1", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReconcileAsync_RefundEntriesPlanted_RowMissingOnceOrEntryWithoutSource()
    {
        var s = await NewAsync();
        var (invoiceId, _, _) = await s.PaidInvoiceAsync();
        var noRow = RefundEntries.Refunded(new RefundBooking("ch_none", 1, 4_000, 4_000, "USD", "evt_planted", invoiceId, "cus_1"), 0, DateTimeOffset.UtcNow)!;
        var noStep = new LedgerEntryDraft("refund:ch_none", LedgerEntryKind.PaymentRefunded, DateTimeOffset.UtcNow,
            [Posting.Credit(Accounts.CashStripe, "USD", 500), Posting.Debit(Accounts.ClearingRefunds, "USD", 500)], new Dictionary<string, string> { ["chargeId"] = "ch_none" });
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, noRow, Ct);
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, noStep, Ct);

        var findings = (await s.ReconcileAsync()).Where(f => f.Kind is "EntryMismatch" or "EntryWithoutSource" or "RefundRowMissing").Select(f => (f.Kind, f.Subject)).ToHashSet();

        // The first is reported once, as the refund row it lacks (before: the same); the second names no step (before: nothing).
        Assert.Equal([("RefundRowMissing", invoiceId), ("EntryWithoutSource", noStep.EntryId)], findings);
    }

    [Fact]
    public async Task ReconcileAsync_CreditNoteEntryOfTheOlderShape_AcceptedOnlyWhenBookedBeforeTheChange()
    {
        // Before: either shape passed, so a rewrite moving the refunded part from clearing:refunds to cash:stripe passed too.
        var before = await NewAsync();
        var (legacyInvoice, _, legacy) = await before.PaidInvoiceAsync();
        var old = CreditNoteSetup.Note(legacy, 3_000);
        await before.BookAsBeforeTodayAsync(old, legacyInvoice);
        await before.Credits.RecordAsync(old, Ct);
        Assert.DoesNotContain(await before.ReconcileAsync(DateTimeOffset.UtcNow), m => EntryKinds.Contains(m.Kind));

        var s = await NewAsync();
        var since = DateTimeOffset.UtcNow;
        var (_, _, stripeInvoice) = await s.PaidInvoiceAsync();
        var note = CreditNoteSetup.Note(stripeInvoice, 3_000);
        await s.Credits.RecordAsync(note, Ct);
        string entryId = CreditNoteEntries.IssuedId(note.CreditNoteId);
        await RewriteToTheOlderShapeAsync(s, entryId);
        await AssertChainVerifiesAsync(s);

        var finding = Assert.Single(await s.ReconcileAsync(since), m => EntryKinds.Contains(m.Kind));

        Assert.Equal(("EntryMismatch", entryId), (finding.Kind, finding.Subject));
        Assert.Contains($"posting {Accounts.ClearingRefunds} USD: the book has none, the credit note makes", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReconcileAsync_CreditNoteRewrittenToTheOlderShapeAfterTheBooksFirstRefundedPart_ReportedWhateverTheChangeOverSetting()
    {
        var s = await NewAsync();
        var (_, _, first) = await s.PaidInvoiceAsync();
        await s.Credits.RecordAsync(CreditNoteSetup.Note(first, 1_000), Ct); // the book's first refunded part, booked to clearing:refunds
        var (_, _, stripeInvoice) = await s.PaidInvoiceAsync();
        var note = CreditNoteSetup.Note(stripeInvoice, 3_000);
        await s.Credits.RecordAsync(note, Ct);
        string entryId = CreditNoteEntries.IssuedId(note.CreditNoteId);
        await RewriteToTheOlderShapeAsync(s, entryId);
        await AssertChainVerifiesAsync(s);

        // A change-over set later than the rewrite (the default's day, a restore's): storage's time cannot tell it from an old note.
        var finding = Assert.Single(await s.ReconcileAsync(DateTimeOffset.MaxValue), m => EntryKinds.Contains(m.Kind));

        Assert.Equal(("EntryMismatch", entryId), (finding.Kind, finding.Subject)); // before: accepted as a note of the older shape
    }

    /// <summary>Rewrites a credit note's entry, with its chain, into the shape of before 2026-12-06: its refunded part credited to cash:stripe.</summary>
    private static async Task RewriteToTheOlderShapeAsync(CreditNoteSetup s, string entryId) =>
        await LedgerForgery.RewriteAsync(s.Ledger, await SequenceOfAsync(s, entryId),
            e => ([.. e.Postings.Select(p => p.Account == Accounts.ClearingRefunds ? p with { Account = Accounts.CashStripe } : p)], e.Metadata));
}
