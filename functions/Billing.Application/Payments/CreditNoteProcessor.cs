namespace Billing.Application.Payments;

/// <summary>
/// Turns a verified Stripe credit note event into durable records (docs/design.md §4.15). The note names a Stripe invoice; it
/// belongs to ours when an invoice was synced to it or a payment of it was recorded for ours. Then, each step idempotent:
/// <list type="number">
/// <item>the decision (<see cref="CreditNoteApplication"/>), written with the event row and the invoice's credit notes in one
/// entity-group transaction (the dedup by event id); a note no invoice of ours carries is recorded apart, unapplied;</item>
/// <item>the ledger entries the stored notes call for, with ids derived from the credit note id, so a replay books nothing twice;</item>
/// <item>the invoice settled again (<see cref="PaymentProcessor.SettleInvoiceAsync"/>): a pre-payment note lowers what cash must
/// bring in, so it may complete the invoice and create its burn intent, and its void may make it owe again (docs/design.md §4.16);</item>
/// <item>a signal to the burn executor, which holds the invoice's burn while a note that may have sent money back stands
/// (<c>BurnExecutor.Credits.cs</c>).</item>
/// </list>
/// Nothing is ever un-burned: a note after the burn is recorded, booked and reported by reconcile, never acted on. The event's
/// own row (a retry after someone changed it) or the invoice's credit note state row that cannot be read throws
/// <see cref="InvalidDataException"/> before anything but the invoice's unsettled marker is written (the webhook answers 503);
/// the rows the note is only checked against (the invoice, its payment state) are the note's reasons
/// (<see cref="CreditNoteReason.StoredRowUnreadable"/>): recorded in the invoice's notes, it holds the burn.
/// </summary>
public sealed partial class CreditNoteProcessor(
    CreditNoteStore credits,
    InvoiceStore invoices,
    PaymentStore payments,
    BurnStore burns,
    LedgerStore ledger,
    PaymentProcessor settlement,
    BurnTrigger trigger,
    TimeProvider time,
    ILogger<CreditNoteProcessor> logger)
{
    private const int MaxAttempts = 20;

    public async Task<CreditNoteOutcome> RecordAsync(IncomingCreditNote note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(note);
        var (invoiceId, lookup) = await FindInvoiceAsync(note.StripeInvoiceId, cancellationToken).ConfigureAwait(false);
        if (invoiceId is not null)
        {
            // Before the note is recorded: a crash after it leaves the invoice marked, and the timer settles it.
            await payments.MarkUnsettledAsync(invoiceId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            // An event recorded unmatched stays so, even if an invoice claims its Stripe invoice since.
            var existing = (invoiceId is null ? null : await credits.GetAsync(null, note.EventId, cancellationToken).ConfigureAwait(false))
                ?? await credits.GetAsync(invoiceId, note.EventId, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                LogReplay(logger, note.EventId, note.CreditNoteId);
                return await SettleAsync(existing, false, cancellationToken).ConfigureAwait(false);
            }

            var (record, state, etag) = await DecideAsync(note, invoiceId, lookup, cancellationToken).ConfigureAwait(false);
            switch (await credits.TryRecordAsync(record, state, etag, cancellationToken).ConfigureAwait(false))
            {
                case PaymentWrite.Recorded:
                    LogDecision(logger, note.EventId, note.CreditNoteId, invoiceId ?? "(none)", record.Resolution, record.Detail);
                    return await SettleAsync(record, true, cancellationToken).ConfigureAwait(false);
                case PaymentWrite.StateChanged:
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * (attempt + 1))), time, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        throw new PaymentContentionException(invoiceId ?? note.StripeInvoiceId, MaxAttempts);
    }

    /// <summary>Our invoice the Stripe invoice belongs to; null with the reason when none, or more than one, claims it.</summary>
    private async Task<(string? InvoiceId, string Detail)> FindInvoiceAsync(string stripeInvoiceId, CancellationToken cancellationToken)
    {
        var ids = await StripeInvoiceLinks.OurInvoicesAsync(invoices, payments, stripeInvoiceId, cancellationToken).ConfigureAwait(false);
        return ids.Count switch
        {
            1 => (ids[0], ""),
            0 => (null, $"no invoice of this deployment was synced to or paid through Stripe invoice {stripeInvoiceId}"),
            _ => (null, $"Stripe invoice {stripeInvoiceId} is claimed by several invoices ({string.Join(", ", ids)}); none is credited"),
        };
    }

    private async Task<(CreditNoteRecord Record, InvoiceCredits? State, Azure.ETag? ETag)> DecideAsync(
        IncomingCreditNote note, string? invoiceId, string lookup, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (invoiceId is null)
        {
            return (new CreditNoteRecord(note, null, now) { Resolution = PaymentResolution.Unapplied, Reason = CreditNoteReason.UnknownInvoice, Detail = lookup }, null, null);
        }

        // The invoice's notes are what the note is decided against and written into: when they cannot be read this throws
        // (the webhook answers 503) and nothing is recorded, so Stripe's retry decides the note once the row is repaired.
        // Recorded on its own, the note held nothing after the repair, and a resend was a replay. The executor holds the
        // burn of an invoice whose notes it cannot read meanwhile.
        var (state, etag) = await credits.GetStateAsync(invoiceId, cancellationToken).ConfigureAwait(false);

        CreditNoteDecision decision;
        try
        {
            var invoice = await invoices.GetAsync(InvoiceId.Parse(invoiceId), cancellationToken).ConfigureAwait(false);
            var (paid, _) = await payments.GetStateAsync(invoiceId, cancellationToken).ConfigureAwait(false);
            decision = CreditNoteApplication.Decide(invoice, paid.ReceivedMinor, state, note);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException)
        {
            decision = CreditNoteApplication.Unreadable(state, note, $"not applied: {ex.Message}");
        }

        var record = new CreditNoteRecord(note, invoiceId, now) { Resolution = decision.Resolution, Reason = decision.Reason, Detail = decision.Detail };
        return (record, decision.State, etag);
    }

    /// <summary>Books what the stored notes of the invoice call for (idempotent by entry id), wakes the executor and says where the burn stands.</summary>
    private async Task<CreditNoteOutcome> SettleAsync(CreditNoteRecord record, bool isNew, CancellationToken cancellationToken)
    {
        var note = record.Note;
        if (record.InvoiceId is not { } invoiceId)
        {
            return new CreditNoteOutcome(null, note.CreditNoteId, isNew, record.Resolution, record.Reason, record.Detail, null, null);
        }

        string detail = record.Detail;
        try
        {
            var (state, _) = await credits.GetStateAsync(invoiceId, cancellationToken).ConfigureAwait(false);
            if (state.Notes.TryGetValue(note.CreditNoteId, out var stored))
            {
                await CreditNoteBookings.BookAsync(ledger, stored, invoiceId, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (InvalidDataException ex)
        {
            // Recorded, not booked: reconcile reports CreditNoteNotBooked (or the unreadable row), and a replay books it once repaired.
            LogNotBooked(logger, note.EventId, invoiceId, ex.Message);
            detail = $"{detail}; not booked: {ex.Message}";
        }

        try
        {
            await settlement.SettleInvoiceAsync(invoiceId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException)
        {
            // The note stands recorded (and booked); the invoice stays marked unsettled, so the timer retries and reconcile reports it.
            LogNotSettled(logger, note.EventId, invoiceId, ex.Message);
            detail = $"{detail}; the invoice is not settled again: {ex.Message}";
        }

        trigger.Signal(); // the executor holds or releases the burn right away; its timer is the safety net
        string burnId = BurnIntent.IdFor(invoiceId);
        string? burnStatus;
        try
        {
            burnStatus = await burns.GetAsync(burnId, cancellationToken).ConfigureAwait(false) is var (intent, _) ? intent.Status.ToString().ToLowerInvariant() : null;
        }
        catch (InvalidDataException)
        {
            burnStatus = "unreadable";
        }

        return new CreditNoteOutcome(invoiceId, note.CreditNoteId, isNew, record.Resolution, record.Reason, detail, burnStatus is null ? null : burnId, burnStatus);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} (credit note {CreditNoteId}) was already recorded; re-checking its bookings only")]
    private static partial void LogReplay(ILogger logger, string eventId, string creditNoteId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId}: credit note {CreditNoteId} on {InvoiceId}: {Resolution}, {Detail}")]
    private static partial void LogDecision(ILogger logger, string eventId, string creditNoteId, string invoiceId, PaymentResolution resolution, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe event {EventId}: the credit note on {InvoiceId} is recorded but the invoice cannot be settled again: {Reason}")]
    private static partial void LogNotSettled(ILogger logger, string eventId, string invoiceId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe event {EventId}: the credit note on {InvoiceId} is recorded but cannot be booked: {Reason}")]
    private static partial void LogNotBooked(ILogger logger, string eventId, string invoiceId, string reason);
}
