namespace Billing.Application.Tests.Payments;

/// <summary>
/// Credit notes against Azurite: a paid invoice is credited, booked once however often Stripe sends the event, voided,
/// refused when it does not reconcile, and reported when it comes after the burn. The hold itself is the executor's test.
/// </summary>
public class CreditNoteProcessorTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private Task<CreditNoteSetup> NewAsync() => CreditNoteSetup.NewAsync(azurite);

    private static Task<(string InvoiceId, string Payer, string StripeInvoiceId)> PaidInvoiceAsync(CreditNoteSetup s, long paidMinor = 10_000, string? syncedTo = null) =>
        s.PaidInvoiceAsync(paidMinor, syncedTo);

    private static IncomingCreditNote Note(string stripeInvoice, long amount, string? cn = null, string? evt = null, bool voided = false, long pre = 0, string currency = "USD") =>
        CreditNoteSetup.Note(stripeInvoice, amount, cn, evt, voided, pre, currency);

    [Fact]
    public async Task RecordAsync_RefundOnPaidInvoice_BookedOnceEvenWhenReplayedAndTheBurnIsReportedHeld()
    {
        var s = await NewAsync();
        var (id, payer, stripeInvoice) = await PaidInvoiceAsync(s);
        var note = Note(stripeInvoice, 3_000);

        var outcome = await s.Credits.RecordAsync(note, Ct);
        var replay = await s.Credits.RecordAsync(note, Ct);
        var sameNoteNewEvent = await s.Credits.RecordAsync(note with { EventId = "evt_again_" + payer }, Ct);

        Assert.Equal((id, PaymentResolution.Applied, true, "pending"), (outcome.InvoiceId, outcome.Resolution, outcome.NewEvent, outcome.BurnStatus));
        Assert.False(replay.NewEvent);
        Assert.Equal(PaymentResolution.Unchanged, sameNoteNewEvent.Resolution);
        var entry = Assert.Single(await s.EntriesAsync(), e => e.Kind == LedgerEntryKind.CreditNoteIssued);
        Assert.Equal(CreditNoteEntries.IssuedId(note.CreditNoteId), entry.EntryId);
        Assert.Equal(3_000, await s.BalanceAsync(Accounts.RevenueCreditNotes));
        Assert.Equal((10_000L, -3_000L), (await s.BalanceAsync(Accounts.CashStripe), await s.BalanceAsync(Accounts.ClearingRefunds))); // the cash leaves with Stripe's refund (RefundBookingsTests)
        var held = Assert.Single(await s.ReconcileAsync(), m => m.Kind == "BurnHeldForCredit");
        Assert.Equal(BurnIntent.IdFor(id), held.Subject);
        Assert.Contains($"{id}: credit notes {note.CreditNoteId} 30.00 USD (refunded 30.00 USD)", held.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_RefundNoteDeliveredBeforeItsPayment_AppliedAndBookedOnceWhenThePaymentSettlesWhateverIsRedelivered()
    {
        // Stripe does not order its events: before, the note was decided once against nothing received (ExceedsPaid) and stayed
        // unapplied, unbooked and reported after its payment arrived, and the burn held for it for good.
        var s = await NewAsync();
        var (id, _, stripeInvoice) = await PaidInvoiceAsync(s, paidMinor: 0, syncedTo: "in_early_" + Guid.NewGuid().ToString("N")[..8]);
        var note = Note(stripeInvoice, 3_000);
        var paid = CreditNoteSetup.Paid(id, stripeInvoice, 10_000);

        var early = await s.Credits.RecordAsync(note, Ct);
        await s.Payments.RecordAsync(paid, Ct);
        await s.Payments.RecordAsync(paid, Ct);
        var replay = await s.Credits.RecordAsync(note, Ct);
        await s.Payments.SettleInvoiceAsync(id, Ct);

        Assert.Equal((PaymentResolution.Unapplied, CreditNoteReason.ExceedsPaid, false), (early.Resolution, early.Reason, replay.NewEvent));
        Assert.Single(await s.EntriesAsync(), e => e.EntryId == CreditNoteEntries.IssuedId(note.CreditNoteId));
        Assert.Equal(3_000, await s.BalanceAsync(Accounts.RevenueCreditNotes));
        Assert.Equal((10_000L, -3_000L), (await s.BalanceAsync(Accounts.CashStripe), await s.BalanceAsync(Accounts.ClearingRefunds))); // the cash leaves with Stripe's refund (RefundBookingsTests)
        var findings = await s.ReconcileAsync();
        Assert.DoesNotContain(findings, m => m.Kind.StartsWith("CreditNote", StringComparison.Ordinal));
        Assert.Contains(findings, m => m.Kind == "BurnHeldForCredit" && m.Subject == BurnIntent.IdFor(id)); // the refund still holds the burn
    }

    [Fact]
    public async Task RecordAsync_VoidAfterIssue_BooksTheExactReversal()
    {
        var s = await NewAsync();
        var (_, _, stripeInvoice) = await PaidInvoiceAsync(s);
        var note = Note(stripeInvoice, 3_000);

        await s.Credits.RecordAsync(note, Ct);
        var voided = await s.Credits.RecordAsync(note with { EventId = note.EventId + "_void", Voided = true }, Ct);

        Assert.Equal(PaymentResolution.Applied, voided.Resolution);
        Assert.Single(await s.EntriesAsync(), e => e.EntryId == CreditNoteEntries.VoidedId(note.CreditNoteId));
        Assert.Equal(0, await s.BalanceAsync(Accounts.RevenueCreditNotes));
        Assert.Equal(10_000, await s.BalanceAsync(Accounts.CashStripe));
        Assert.DoesNotContain(await s.ReconcileAsync(), m => m.Kind.StartsWith("CreditNote", StringComparison.Ordinal) || m.Kind == "BurnHeldForCredit");
    }

    [Fact]
    public async Task RecordAsync_UnknownStripeInvoice_RecordedUnmatchedOnceNothingBookedAndReported()
    {
        var s = await NewAsync();
        var note = Note("in_nobody_" + Guid.NewGuid().ToString("N"), 500);

        var outcome = await s.Credits.RecordAsync(note, Ct);
        var replay = await s.Credits.RecordAsync(note, Ct);

        Assert.Equal(((string?)null, PaymentResolution.Unapplied, CreditNoteReason.UnknownInvoice, false), (outcome.InvoiceId, outcome.Resolution, outcome.Reason, replay.NewEvent));
        Assert.DoesNotContain(await s.EntriesAsync(), e => e.Kind == LedgerEntryKind.CreditNoteIssued);
        var finding = Assert.Single(await s.ReconcileAsync(), m => m.Kind == "CreditNoteUnknownInvoice");
        Assert.Contains($"5.00 USD on Stripe invoice {note.StripeInvoiceId} not applied", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_CreditAfterTheBurnFinalized_ReportedNamingInvoiceAmountAndBurnNothingUndone()
    {
        var s = await NewAsync();
        var (id, _, stripeInvoice) = await PaidInvoiceAsync(s);
        var (intent, etag) = (await s.Burns.GetAsync(BurnIntent.IdFor(id), Ct))!.Value;
        await s.Burns.TryReplaceAsync(intent with { Status = BurnStatus.Finalized, Signature = "5igFinal", TokenAmount = 4_000_000_000, Slot = 9 }, etag, Ct);

        var outcome = await s.Credits.RecordAsync(Note(stripeInvoice, 2_500, cn: "cn_after_" + id[^8..]), Ct);

        Assert.Equal((PaymentResolution.Applied, "finalized"), (outcome.Resolution, outcome.BurnStatus));
        Assert.Equal(BurnStatus.Finalized, (await s.Burns.GetAsync(BurnIntent.IdFor(id), Ct))!.Value.Intent.Status);
        var finding = Assert.Single(await s.ReconcileAsync(), m => m.Kind == "CreditNoteAfterBurn");
        Assert.Equal(id, finding.Subject);
        Assert.Contains("25.00 USD", finding.Detail, StringComparison.Ordinal);
        Assert.Contains($"burn {BurnIntent.IdFor(id)} of 10000 minor units was finalized (4000000000 base units, signature 5igFinal)", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_TwoConcurrentNotesBeyondWhatWasPaid_OneAppliedTheOtherUnappliedExceedsPaid()
    {
        var s = await NewAsync();
        var (_, _, stripeInvoice) = await PaidInvoiceAsync(s, paidMinor: 5_000);

        var outcomes = await Task.WhenAll(new[] { Note(stripeInvoice, 3_000), Note(stripeInvoice, 3_000) }.Select(n => s.Credits.RecordAsync(n, Ct)));

        Assert.Equal([CreditNoteReason.None, CreditNoteReason.ExceedsPaid], outcomes.Select(o => o.Reason).Order());
        Assert.Single(await s.EntriesAsync(), e => e.Kind == LedgerEntryKind.CreditNoteIssued);
        Assert.Single(await s.ReconcileAsync(), m => m.Kind == "CreditNoteExceedsPaid");
    }

    [Fact]
    public async Task RecordAsync_PrePaymentNoteOnAnInvoiceSyncedButUnpaid_FoundThroughTheSyncAndBookedOffTheReceivable()
    {
        var s = await NewAsync();
        var (id, payer, stripeInvoice) = await PaidInvoiceAsync(s, paidMinor: 0, syncedTo: "in_synced_" + Guid.NewGuid().ToString("N")[..8]);

        var outcome = await s.Credits.RecordAsync(Note(stripeInvoice, 1_000, pre: 1_000), Ct);

        Assert.Equal((id, PaymentResolution.Applied), (outcome.InvoiceId, outcome.Resolution));
        Assert.Equal(9_000, await s.BalanceAsync(Accounts.Receivable(payer)));
    }

    [Fact]
    public async Task RecordAsync_InvoiceRowUnreadable_RecordedUnappliedNotBookedAndOtherInvoicesStillCredited()
    {
        var s = await NewAsync();
        var (bad, _, badStripe) = await PaidInvoiceAsync(s);
        var (good, _, goodStripe) = await PaidInvoiceAsync(s);
        var id = InvoiceId.Parse(bad);
        await s.Tables.Invoices.UpsertEntityAsync(new TableEntity(id.Period.ToCompactString(), TableKey.Escape(bad)) { ["Json"] = 5 }, TableUpdateMode.Merge);

        var refused = await s.Credits.RecordAsync(Note(badStripe, 1_000), Ct);
        var credited = await s.Credits.RecordAsync(Note(goodStripe, 1_000), Ct);

        Assert.Equal((PaymentResolution.Unapplied, CreditNoteReason.StoredRowUnreadable), (refused.Resolution, refused.Reason));
        Assert.Contains("property 'Json'", refused.Detail, StringComparison.Ordinal);
        Assert.Equal((good, PaymentResolution.Applied), (credited.InvoiceId, credited.Resolution));
        Assert.Single(await s.EntriesAsync(), e => e.Kind == LedgerEntryKind.CreditNoteIssued);
        Assert.Contains(await s.ReconcileAsync(), m => m.Kind == "CreditNoteStoredRowUnreadable" && m.Detail.StartsWith(bad, StringComparison.Ordinal));
    }

    // Before, the note was recorded on its own (Unapplied, StoredRowUnreadable, not in the invoice's notes) and the webhook
    // answered 200: once the row was repaired the note held nothing, a resend was Unchanged and reconcile was silent.
    [Fact]
    public async Task RecordAsync_InvoicesNotesRowUnreadable_ThrowsRecordingNothingAndTheRetryDecidesItOnceRepaired()
    {
        var s = await NewAsync();
        var (id, _, stripeInvoice) = await PaidInvoiceAsync(s);
        await s.Credits.RecordAsync(Note(stripeInvoice, 0), Ct); // a zero note: the invoice's notes row exists
        var original = (await s.Tables.Credits.GetEntityAsync<TableEntity>(id, "|state", cancellationToken: Ct)).Value;
        await s.Tables.Credits.UpsertEntityAsync(new TableEntity(id, "|state") { ["Notes"] = 42 }, TableUpdateMode.Replace, Ct);
        var note = new IncomingCreditNote("evt_" + Guid.NewGuid().ToString("N"), "cn_bal" + Guid.NewGuid().ToString("N")[..6], stripeInvoice, false, "USD",
            new CreditNoteAmounts(3_000, 0, 3_000, 0, 0), DateTimeOffset.UtcNow); // 30.00 to the customer's balance after payment

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => s.Credits.RecordAsync(note, Ct));

        Assert.Contains("property 'Notes'", refused.Message, StringComparison.Ordinal);
        Assert.Null(await new CreditNoteStore(s.Tables).GetAsync(id, note.EventId, Ct));
        Assert.Contains(await s.ReconcileAsync(), m => m.Kind == "CreditNoteStateUnreadable" && m.Subject == id);

        original.ETag = Azure.ETag.All;
        await s.Tables.Credits.UpsertEntityAsync(original, TableUpdateMode.Replace, Ct); // repaired as it was
        var retried = await s.Credits.RecordAsync(note, Ct); // Stripe's retry after the 503

        Assert.Equal((true, PaymentResolution.Applied), (retried.NewEvent, retried.Resolution));
        var (state, _) = await new CreditNoteStore(s.Tables).GetStateAsync(id, Ct);
        Assert.True(state.HoldsBurn);
        Assert.Contains(await s.ReconcileAsync(), m => m.Kind == "BurnHeldForCredit" && m.Detail.Contains(note.CreditNoteId, StringComparison.Ordinal));
    }
}
