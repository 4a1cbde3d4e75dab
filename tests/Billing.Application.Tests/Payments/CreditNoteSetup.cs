using Billing.Tests.Shared;

namespace Billing.Application.Tests.Payments;

/// <summary>
/// Fresh tables on Azurite with the credit note and payment processors wired as the app wires them (the credit note settles
/// its invoice through the payment processor), the stores and reconcile. The credit note tests' shared arrange step.
/// </summary>
internal sealed record CreditNoteSetup(CreditNoteProcessor Credits, PaymentProcessor Payments, InvoiceStore Invoices, BurnStore Burns, LedgerStore Ledger, LedgerAudit Audit, BillingTables Tables)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    public static async Task<CreditNoteSetup> NewAsync(AzuriteFixture azurite)
    {
        var (tables, ledger, audit) = await ReconcileOnlyLedger.NewAsync(azurite);
        var (invoices, payments, burns, credits) = (new InvoiceStore(tables), new PaymentStore(tables), new BurnStore(tables), new CreditNoteStore(tables));
        var processor = PaymentsOver(tables);
        return new CreditNoteSetup(
            new CreditNoteProcessor(credits, invoices, payments, burns, ledger, processor, Trigger(), TimeProvider.System, NullLogger<CreditNoteProcessor>.Instance),
            processor, invoices, burns, ledger, audit, tables);
    }

    /// <summary>The payment processor as the app wires it, over <paramref name="tables"/> (created already): e.g. the same tables through a test hook.</summary>
    public static PaymentProcessor PaymentsOver(BillingTables tables)
    {
        var (invoices, payments, refunds, links) = (new InvoiceStore(tables), new PaymentStore(tables), new RefundStore(tables), new InvoicePaymentLinkStore(tables));
        var refundLinks = new InvoicePaymentProcessor(links, refunds, new RefundPlacement(refunds, links, invoices, payments));
        return new PaymentProcessor(payments, invoices, new PartnerStore(tables), new BurnStore(tables), new CreditNoteStore(tables),
            new LedgerRecorder(new LedgerStore(tables, TestSeals.Keys), new PartnerStore(tables), TimeProvider.System), new LedgerStore(tables, TestSeals.Keys), Trigger(), refundLinks, StripeConfirmations.Local(tables), TimeProvider.System, NullLogger<PaymentProcessor>.Instance);
    }

    /// <summary>A trigger whose background run has nothing to run: the tests drive the executor themselves.</summary>
    public static BurnTrigger Trigger() => new(new ServiceCollection().BuildServiceProvider(), new NoLifetime(), NullLogger<BurnTrigger>.Instance);

    /// <summary>The refund processor as the app wires it (placement, then booking), over these tables.</summary>
    public RefundProcessor RefundProcessor()
    {
        var (refunds, payments) = (new RefundStore(Tables), new PaymentStore(Tables));
        return new RefundProcessor(refunds, new RefundPlacement(refunds, new InvoicePaymentLinkStore(Tables), Invoices, payments),
            new RefundBookings(Ledger, refunds, Invoices, payments, new CreditNoteStore(Tables)));
    }

    public async Task<IReadOnlyList<LedgerEntry>> EntriesAsync() => await Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct);

    public async Task<long> BalanceAsync(string account) =>
        (long)(await Ledger.BalancesAsync(LedgerEntries.MainBook, Ct)).All.Where(b => b.Account == account && b.Asset == "USD").Aggregate(Int128.Zero, (sum, b) => sum + b.Amount);

    public async Task<IReadOnlyList<AuditProblem>> ReconcileAsync() => (await Audit.ReconcileAsync(Ct)).Mismatches;

    public async Task<Invoice> InvoiceAsync(string id) => (await Invoices.GetAsync(InvoiceId.Parse(id), Ct))!;

    /// <summary>A finalized, booked invoice of 100.00 USD for a payer of its own, paid with <paramref name="paidMinor"/> through Stripe invoice <c>in_{payer}</c>.</summary>
    public async Task<(string InvoiceId, string Payer, string StripeInvoiceId)> PaidInvoiceAsync(long paidMinor = 10_000, string? syncedTo = null)
    {
        string payer = "carrier-" + Guid.NewGuid().ToString("N")[..8];
        var line = new InvoiceLine("offload.bytes", "Data offload", new Dictionary<string, string>(), 1, "DC", 0.01m, new Money(10_000, Currency.USD));
        var invoice = new Invoice(new InvoiceId(payer, new BillingPeriod(2026, 10)), "carrier-standard-v1", InvoiceStatus.Draft, Currency.USD, [line], syncedTo).Finalize();
        await Invoices.AddOrGetAsync(invoice, Ct);
        await new LedgerRecorder(Ledger, new PartnerStore(Tables), TimeProvider.System).InvoiceFinalizedAsync(invoice, Ct);
        string stripeInvoice = syncedTo ?? "in_" + payer;
        if (paidMinor > 0)
        {
            await Payments.RecordAsync(Paid(invoice.Id.ToString(), stripeInvoice, paidMinor, "evt_paid_" + payer), Ct);
        }

        return (invoice.Id.ToString(), payer, stripeInvoice);
    }

    /// <summary>
    /// <paramref name="note"/>'s issue booked as a book written before 2026-12-06 has it: the refunded part credited to
    /// <see cref="Accounts.CashStripe"/>, not <see cref="Accounts.ClearingRefunds"/>, and the book made one of then
    /// (<see cref="Billing.Application.Tests.Ledger.UpgradedBook"/>): its next append is its change-over. Append it before the note is recorded.
    /// </summary>
    public async Task BookAsBeforeTodayAsync(IncomingCreditNote note, string invoiceId)
    {
        var recorded = new CreditNoteEntry(note.CreditNoteId, note.StripeInvoiceId, note.Currency, note.Amounts, true, default, note.At, note.EventId);
        var draft = CreditNoteEntries.Issued(recorded, invoiceId, InvoiceId.Parse(invoiceId).Payer, note.At)!;
        var postings = draft.Postings.Select(p => p.Account == Accounts.ClearingRefunds ? p with { Account = Accounts.CashStripe } : p);
        await Ledger.AppendAsync(LedgerEntries.MainBook, new LedgerEntryDraft(draft.EntryId, draft.Kind, draft.OccurredAt, postings, draft.Metadata), Ct);
        await Billing.Application.Tests.Ledger.UpgradedBook.StripAsync(Ledger);
    }

    /// <summary>Stripe's <c>invoice.paid</c> as the webhook hands it over: <paramref name="amountPaidMinor"/> is Stripe's cumulative amount.</summary>
    public static WebhookOutcome.PaymentReceived Paid(string invoiceId, string stripeInvoice, long amountPaidMinor, string? evt = null) =>
        new(evt ?? "evt_" + Guid.NewGuid().ToString("N"), InvoiceId.Parse(invoiceId), stripeInvoice, "cus_1", "pi_1", amountPaidMinor, "USD", DateTimeOffset.UtcNow);

    /// <summary>A note of <paramref name="amount"/>, <paramref name="pre"/> of it off the amount due and the rest refunded.</summary>
    public static IncomingCreditNote Note(string stripeInvoice, long amount, string? cn = null, string? evt = null, bool voided = false, long pre = 0, string currency = "USD") =>
        new(evt ?? "evt_" + Guid.NewGuid().ToString("N"), cn ?? "cn_" + Guid.NewGuid().ToString("N")[..10], stripeInvoice, voided, currency, new CreditNoteAmounts(amount, pre, amount - pre, amount - pre, 0), DateTimeOffset.UtcNow);
}
