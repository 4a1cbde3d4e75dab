namespace Billing.Application.Tests.Payments;

/// <summary>
/// Credit notes issued before payment against Azurite (docs/design.md §4.16): Stripe lowers the amount due, and so
/// <c>amount_paid</c>, by the note's pre-payment amount. Whichever webhook comes first, and however often each is redelivered,
/// the invoice ends paid once, with one burn of the cash received, the receivable at zero and nothing for reconcile to report;
/// a void reopens it; a short payment stays reported.
/// </summary>
public class CreditNoteProcessorPrePaymentTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>What must not depend on the order of the webhooks (amounts in minor units; entries by kind).</summary>
    private sealed record EndState(InvoiceStatus Status, long Paid, long PrePaymentCredited, long Remaining, long? BurnMinor,
        long Receivable, long Cash, long CreditNotes, string Entries, string Findings);

    private async Task<(CreditNoteSetup S, string Id, string Payer, string StripeInvoice)> UnpaidSyncedInvoiceAsync()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var (id, payer, stripeInvoice) = await s.PaidInvoiceAsync(paidMinor: 0, syncedTo: "in_synced_" + Guid.NewGuid().ToString("N")[..8]);
        return (s, id, payer, stripeInvoice);
    }

    private static async Task<EndState> EndStateAsync(CreditNoteSetup s, string id, string payer)
    {
        var invoice = await s.InvoiceAsync(id);
        var burns = (await s.Burns.ListAsync(id, Ct)).Items;
        var entries = await s.EntriesAsync();
        return new EndState(invoice.Status, invoice.AmountPaid.MinorUnits, invoice.PrePaymentCredited.MinorUnits, invoice.AmountRemaining.MinorUnits,
            burns.SingleOrDefault()?.UsdMinor, await s.BalanceAsync(Accounts.Receivable(payer)), await s.BalanceAsync(Accounts.CashStripe),
            await s.BalanceAsync(Accounts.RevenueCreditNotes), string.Join(",", entries.Select(e => e.Kind.ToString()).Order(StringComparer.Ordinal)),
            string.Join("; ", (await s.ReconcileAsync()).Select(m => m.Kind).Order(StringComparer.Ordinal)));
    }

    /// <summary>The end state of an invoice credited before payment and then paid: what every other order of the webhooks must reach.</summary>
    private async Task<EndState> NoteFirstEndStateAsync()
    {
        var (s, id, payer, stripeInvoice) = await UnpaidSyncedInvoiceAsync();
        await s.Credits.RecordAsync(CreditNoteSetup.Note(stripeInvoice, 3_000, pre: 3_000), Ct);
        await s.Payments.RecordAsync(CreditNoteSetup.Paid(id, stripeInvoice, 7_000), Ct);
        return await EndStateAsync(s, id, payer);
    }

    [Fact]
    public async Task RecordAsync_PrePaymentNoteThenPayment_InvoicePaidOneBurnOfTheCashReceivedReceivableZero()
    {
        var (s, id, payer, stripeInvoice) = await UnpaidSyncedInvoiceAsync();

        var credited = await s.Credits.RecordAsync(CreditNoteSetup.Note(stripeInvoice, 3_000, pre: 3_000), Ct);
        var paid = await s.Payments.RecordAsync(CreditNoteSetup.Paid(id, stripeInvoice, 7_000), Ct);

        Assert.Equal((id, PaymentResolution.Applied, "paid"), (credited.InvoiceId, credited.Resolution, paid.InvoiceStatus));
        Assert.Equal(new EndState(InvoiceStatus.Paid, 7_000, 3_000, 0, 7_000, 0, 7_000, 3_000, "CreditNoteIssued,InvoiceFinalized,PaymentReceived", ""),
            await EndStateAsync(s, id, payer));
    }

    [Fact]
    public async Task RecordAsync_PaymentThenPrePaymentNote_SameEndStateAsNoteFirst()
    {
        var noteFirst = await NoteFirstEndStateAsync();
        var (s, id, payer, stripeInvoice) = await UnpaidSyncedInvoiceAsync();

        var paid = await s.Payments.RecordAsync(CreditNoteSetup.Paid(id, stripeInvoice, 7_000), Ct);
        var partial = await s.InvoiceAsync(id);
        var credited = await s.Credits.RecordAsync(CreditNoteSetup.Note(stripeInvoice, 3_000, pre: 3_000), Ct);

        Assert.Equal(("partially_paid", InvoiceStatus.PartiallyPaid, 3_000L), (paid.InvoiceStatus, partial.Status, partial.AmountRemaining.MinorUnits));
        Assert.Equal(BurnIntent.IdFor(id), credited.BurnId);
        Assert.Equal(noteFirst, await EndStateAsync(s, id, payer));
    }

    [Fact]
    public async Task RecordAsync_BothEventsRedeliveredInterleaved_BookedOnceSameEndState()
    {
        var noteFirst = await NoteFirstEndStateAsync();
        var (s, id, payer, stripeInvoice) = await UnpaidSyncedInvoiceAsync();
        var note = CreditNoteSetup.Note(stripeInvoice, 3_000, pre: 3_000);
        var payment = CreditNoteSetup.Paid(id, stripeInvoice, 7_000);

        await s.Payments.RecordAsync(payment, Ct);
        await s.Credits.RecordAsync(note, Ct);
        await s.Payments.RecordAsync(payment, Ct);
        var replay = await s.Credits.RecordAsync(note, Ct);
        await s.Credits.RecordAsync(note with { EventId = note.EventId + "_again" }, Ct); // a second event about the same note
        await s.Payments.RecordAsync(payment with { StripeEventId = payment.StripeEventId + "_again" }, Ct); // the same cumulative amount_paid

        Assert.False(replay.NewEvent);
        Assert.Equal(noteFirst, await EndStateAsync(s, id, payer));
    }

    [Fact]
    public async Task RecordAsync_NoteAndPaymentConcurrently_EndPaidWithOneBurn()
    {
        var (s, id, payer, stripeInvoice) = await UnpaidSyncedInvoiceAsync();

        await Task.WhenAll(
            s.Credits.RecordAsync(CreditNoteSetup.Note(stripeInvoice, 3_000, pre: 3_000), Ct),
            s.Payments.RecordAsync(CreditNoteSetup.Paid(id, stripeInvoice, 7_000), Ct));

        var end = await EndStateAsync(s, id, payer);
        Assert.Equal((InvoiceStatus.Paid, 0L, 7_000L, 0L, ""), (end.Status, end.Remaining, end.BurnMinor, end.Receivable, end.Findings));
    }

    [Fact]
    public async Task RecordAsync_PrePaymentNoteVoidedAfterItSettledTheInvoice_OwesAgainReportedReopenedNeverSilentlyPaid()
    {
        var (s, id, payer, stripeInvoice) = await UnpaidSyncedInvoiceAsync();
        var note = CreditNoteSetup.Note(stripeInvoice, 3_000, pre: 3_000);
        await s.Credits.RecordAsync(note, Ct);
        await s.Payments.RecordAsync(CreditNoteSetup.Paid(id, stripeInvoice, 7_000), Ct);

        var voided = await s.Credits.RecordAsync(note with { EventId = note.EventId + "_void", Voided = true }, Ct);

        var invoice = await s.InvoiceAsync(id);
        Assert.Equal(PaymentResolution.Applied, voided.Resolution);
        Assert.Equal((InvoiceStatus.PartiallyPaid, 7_000L, 0L, 3_000L), (invoice.Status, invoice.AmountPaid.MinorUnits, invoice.PrePaymentCredited.MinorUnits, invoice.AmountRemaining.MinorUnits));
        Assert.Equal(3_000, await s.BalanceAsync(Accounts.Receivable(payer)));
        var findings = await s.ReconcileAsync();
        var reopened = Assert.Single(findings, m => m.Kind == "CreditNoteVoidReopened");
        Assert.Equal(id, reopened.Subject);
        Assert.Contains($"pre-payment credit notes {note.CreditNoteId} were voided: the invoice owes 30.00 USD again", reopened.Detail, StringComparison.Ordinal);
        Assert.Contains($"burn {BurnIntent.IdFor(id)} of 7000 minor units is pending", reopened.Detail, StringComparison.Ordinal);
        Assert.Contains(findings, m => m.Kind == "InvoicePartiallyPaid" && m.Subject == id);
        Assert.DoesNotContain(findings, m => m.Kind is "BurnBeforePaid" or "InvoiceStatusMismatch" or "BurnAmountMismatch");
    }

    [Fact]
    public async Task ReconcileAsync_PaymentShortEvenWithThePrePaymentCredit_StillPartiallyPaidNoBurn()
    {
        var (s, id, payer, stripeInvoice) = await UnpaidSyncedInvoiceAsync();

        await s.Credits.RecordAsync(CreditNoteSetup.Note(stripeInvoice, 3_000, pre: 3_000), Ct);
        await s.Payments.RecordAsync(CreditNoteSetup.Paid(id, stripeInvoice, 5_000), Ct);

        var end = await EndStateAsync(s, id, payer);
        Assert.Equal((InvoiceStatus.PartiallyPaid, 2_000L, (long?)null, 2_000L, "InvoicePartiallyPaid"), (end.Status, end.Remaining, end.BurnMinor, end.Receivable, end.Findings));
        var finding = Assert.Single(await s.ReconcileAsync());
        Assert.Contains("received 50.00 USD of 70.00 USD due (100.00 USD less 30.00 USD credited before payment); 20.00 USD remaining", finding.Detail, StringComparison.Ordinal);
    }
}
