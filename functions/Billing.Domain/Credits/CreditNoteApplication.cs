namespace Billing.Domain.Credits;

/// <summary>
/// Reconciles a Stripe credit note with its invoice before anything is booked (docs/design.md §4.15): the currency must match
/// and the note may neither credit more than the invoice total nor give back after payment more than the payments brought
/// in, counting the notes before it. Anything else is recorded unapplied with a reason. A void reverses exactly what its
/// note booked. Pure: no I/O, deterministic.
/// </summary>
public static class CreditNoteApplication
{
    /// <param name="invoice">Our invoice, or null when this deployment does not know it.</param>
    /// <param name="receivedMinor">What the payments applied to the invoice brought in (its currency).</param>
    /// <param name="state">The invoice's credit notes before this event.</param>
    /// <param name="note">The event.</param>
    public static CreditNoteDecision Decide(Invoice? invoice, long receivedMinor, InvoiceCredits state, IncomingCreditNote note)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(note);
        if (state.Notes.TryGetValue(note.CreditNoteId, out var known))
        {
            return Repeat(state, known, note);
        }

        (CreditNoteReason reason, string detail) = Check(invoice, receivedMinor, state, note);
        var entry = Entry(note, reason);
        var next = With(state, entry);
        if (reason != CreditNoteReason.None)
        {
            return new(PaymentResolution.Unapplied, reason, detail, entry, next, false, false);
        }

        // A void that arrives before its note books both, so the book shows the note and its reversal either way.
        return new(PaymentResolution.Applied, reason, note.Voided ? $"{detail}; voided: its issue and reversal are booked" : detail, entry, next, true, note.Voided);
    }

    /// <summary>
    /// A new note whose invoice or payments cannot be read: recorded unapplied (with the invoice's readable notes,
    /// so it holds the invoice's burn), never booked.
    /// </summary>
    public static CreditNoteDecision Unreadable(InvoiceCredits state, IncomingCreditNote note, string detail)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(note);
        if (state.Notes.TryGetValue(note.CreditNoteId, out var known))
        {
            return Repeat(state, known, note);
        }

        var entry = Entry(note, CreditNoteReason.StoredRowUnreadable);
        return new(PaymentResolution.Unapplied, CreditNoteReason.StoredRowUnreadable, detail, entry, With(state, entry), false, false);
    }

    /// <summary>
    /// The invoice's notes recorded <see cref="CreditNoteReason.ExceedsPaid"/> and not voided (Stripe may deliver a note before the
    /// payment it gives back), decided again in the order they were issued now that the payments brought in
    /// <paramref name="receivedMinor"/>: each that passes every check now is applied (with its reason cleared), against the
    /// notes applied before it; the others stay as they are. Empty when none changes. Pure.
    /// </summary>
    public static (InvoiceCredits State, IReadOnlyList<CreditNoteEntry> Applied) RedecideExceedsPaid(Invoice invoice, long receivedMinor, InvoiceCredits state)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(state);
        var applied = new List<CreditNoteEntry>();
        foreach (var waiting in state.Notes.Values.Where(n => n.Reason == CreditNoteReason.ExceedsPaid && !n.Applied && !n.Voided)
                     .OrderBy(n => n.IssuedAt).ThenBy(n => n.CreditNoteId, StringComparer.Ordinal).ToList())
        {
            var others = new InvoiceCredits(state.Notes.Where(kv => kv.Key != waiting.CreditNoteId).ToDictionary(StringComparer.Ordinal));
            var note = new IncomingCreditNote(waiting.RecordedBy, waiting.CreditNoteId, waiting.StripeInvoiceId, false, waiting.Currency, waiting.Amounts, waiting.IssuedAt);
            if (Check(invoice, receivedMinor, others, note).Reason == CreditNoteReason.None)
            {
                var now = waiting with { Applied = true, Reason = CreditNoteReason.None };
                state = With(state, now);
                applied.Add(now);
            }
        }

        return (state, applied);
    }

    private static CreditNoteEntry Entry(IncomingCreditNote note, CreditNoteReason reason) =>
        new(note.CreditNoteId, note.StripeInvoiceId, note.Currency.ToUpperInvariant(), note.Amounts, reason == CreditNoteReason.None, reason, note.At, note.EventId)
        {
            VoidedBy = note.Voided ? note.EventId : null,
            VoidedAt = note.Voided ? note.At : null,
        };

    private static CreditNoteDecision Repeat(InvoiceCredits state, CreditNoteEntry known, IncomingCreditNote note)
    {
        if (!note.Voided || known.Voided)
        {
            return new(PaymentResolution.Unchanged, known.Reason, $"credit note {known.CreditNoteId} is already recorded{(known.Voided ? " (voided)" : "")}", known, state, false, false);
        }

        var voided = known with { VoidedBy = note.EventId, VoidedAt = note.At };
        return known.Applied
            ? new(PaymentResolution.Applied, CreditNoteReason.None, $"credit note {known.CreditNoteId} voided: {Amount(known.Amounts.AmountMinor, known.Currency)} no longer credited", voided, With(state, voided), false, true)
            : new(PaymentResolution.Unchanged, known.Reason, $"credit note {known.CreditNoteId}, recorded unapplied, voided: nothing was booked to reverse", voided, With(state, voided), false, false);
    }

    private static (CreditNoteReason Reason, string Detail) Check(Invoice? invoice, long receivedMinor, InvoiceCredits state, IncomingCreditNote note)
    {
        if (note.Problem is { } problem)
        {
            return (CreditNoteReason.MalformedAmount, problem);
        }

        if (!note.Amounts.AddUp)
        {
            return (CreditNoteReason.MalformedAmount, "amounts do not add up: " + note.Amounts);
        }

        if (!Currency.TryFromCode(note.Currency.ToUpperInvariant(), out var currency))
        {
            return (CreditNoteReason.UnknownCurrency, $"currency '{new string([.. note.Currency.Where(c => !char.IsControl(c)).Take(16)])}' is not one this platform books");
        }

        if (invoice is null)
        {
            return (CreditNoteReason.UnknownInvoice, $"no invoice of this deployment carries Stripe invoice {note.StripeInvoiceId}");
        }

        if (invoice.Status is not (InvoiceStatus.Finalized or InvoiceStatus.PartiallyPaid or InvoiceStatus.Paid))
        {
            return (CreditNoteReason.InvoiceNotCreditable, $"the invoice is {InvoiceJson.StatusName(invoice.Status)}");
        }

        if (invoice.Currency != currency)
        {
            return (CreditNoteReason.CurrencyMismatch, $"credit note in {currency.Code}, the invoice is in {invoice.Currency.Code}");
        }

        long credited = checked(state.CreditedMinor + note.Amounts.AmountMinor);
        if (credited > invoice.Total.MinorUnits)
        {
            return (CreditNoteReason.ExceedsInvoice, $"{Amount(credited, currency.Code)} credited in all, the invoice total is {Amount(invoice.Total.MinorUnits, currency.Code)}");
        }

        long returned = checked(state.PostPaymentCreditedMinor + note.Amounts.PostPaymentMinor);
        if (returned > receivedMinor)
        {
            return (CreditNoteReason.ExceedsPaid, $"{Amount(returned, currency.Code)} given back after payment in all, {Amount(receivedMinor, currency.Code)} was received");
        }

        return (CreditNoteReason.None, $"{Amount(note.Amounts.AmountMinor, currency.Code)} credited ({Amount(note.Amounts.RefundedMinor, currency.Code)} refunded, "
            + $"{Amount(note.Amounts.CustomerBalanceMinor, currency.Code)} to the customer balance, {Amount(note.Amounts.OutOfBandMinor, currency.Code)} out of band, "
            + $"{Amount(note.Amounts.PrePaymentMinor, currency.Code)} off the amount due)");
    }

    private static InvoiceCredits With(InvoiceCredits state, CreditNoteEntry entry) =>
        new(new Dictionary<string, CreditNoteEntry>(state.Notes, StringComparer.Ordinal) { [entry.CreditNoteId] = entry });

    private static string Amount(long minor, string code) => new Money(minor, Currency.FromCode(code)) + " " + code;
}
