namespace Billing.Domain.Payments;

/// <summary>
/// Reconciles a payment with its invoice before anything is booked or burned (docs/design.md §4.11): the Stripe invoice paid
/// must be the payer's, the currency must match, the amount is compared with the total — equal pays, less leaves it
/// partially paid, more pays it and books the excess as a customer credit — and anything else is recorded unapplied with a
/// reason. Pure: no I/O, deterministic.
/// </summary>
public static class PaymentApplication
{
    /// <param name="invoice">Our invoice, or null when this deployment does not know it.</param>
    /// <param name="state">What was received for it before this event.</param>
    /// <param name="payment">The event.</param>
    /// <param name="payerStripeCustomerId">The payer's Stripe customer as the platform knows it (its partner record), or null.</param>
    public static PaymentDecision Decide(Invoice? invoice, InvoicePayments state, IncomingPayment payment, string? payerStripeCustomerId)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(payment);
        if (payment.LivemodeMismatch is { } otherMode)
        {
            // Before anything else: whatever its invoice or amount, it is no money of this deployment's (test cards, or the reverse).
            return Unapplied(state, UnappliedReason.LivemodeMismatch,
                $"Stripe invoice {payment.StripeInvoiceId}: {otherMode}; not this deployment's money, nothing is booked or burned", null, 0);
        }

        if (invoice is null && payment.MetadataProblem is { } problem)
        {
            // Neither synced by the platform nor naming an invoice of ours: recorded so that it is reported, booked nowhere.
            return Unapplied(state, UnappliedReason.UnknownStripeInvoice,
                $"Stripe invoice {payment.StripeInvoiceId} is none the platform synced, and {problem}; nothing is booked (whose money it is is unknown)", null, 0);
        }

        string currencyText = payment.Currency.ToUpperInvariant();
        state.Sources.TryGetValue(payment.StripeInvoiceId, out PaymentSource? source);

        // A Stripe invoice is judged at its first event: one applied then stays applied; one recorded unapplied is checked
        // again only to name the reason. Judged before the amount and currency: a copy's event is not the payer's whatever
        // else is wrong with it, and that reason is what keeps its credit notes and refunds away from the invoice.
        var foreign = invoice is not null && source is not { Applied: true } ? Foreign(invoice, payment, payerStripeCustomerId) : null;
        if (payment.PaidOutOfBand)
        {
            // No money moved through Stripe (Stripe does not say how much of amount_paid, if any, did): not Stripe cash, not burned.
            return UnappliedOrForeign(state, foreign, UnappliedReason.PaidOutOfBand,
                $"Stripe invoice {payment.StripeInvoiceId} was marked paid outside Stripe (paid_out_of_band); nothing is booked as Stripe cash or burned");
        }

        if (payment.AmountMinor is not { } amount || amount < 0)
        {
            return UnappliedOrForeign(state, foreign, UnappliedReason.MalformedAmount, payment.MalformedReason ?? $"amount_paid {payment.AmountMinor} is negative");
        }

        if (!Currency.TryFromCode(currencyText, out Currency? currency))
        {
            return UnappliedOrForeign(state, foreign, UnappliedReason.UnknownCurrency, $"currency '{Printable(payment.Currency, 16)}' is not one this platform books");
        }

        if (source is not null && source.Currency != currency.Code)
        {
            // A Stripe invoice has one currency for life; an event claiming another is forged or corrupt.
            return UnappliedOrForeign(state, foreign, UnappliedReason.SourceCurrencyChanged,
                $"Stripe invoice {payment.StripeInvoiceId} was paid in {source.Currency}; this event says {currency.Code}");
        }

        long previous = source?.AmountMinor ?? 0;
        long delta = Math.Max(0, amount - previous);
        bool payable = invoice is not null && invoice.Status is InvoiceStatus.Finalized or InvoiceStatus.PartiallyPaid or InvoiceStatus.Paid;
        bool applies = payable && foreign is null && invoice!.Currency == currency && (source is null || source.Applied);
        var sources = new Dictionary<string, PaymentSource>(state.Sources, StringComparer.Ordinal)
        {
            [payment.StripeInvoiceId] = new PaymentSource(currency.Code, Math.Max(amount, previous), source?.Applied ?? applies),
        };
        var next = state with { Sources = sources };

        if (!applies)
        {
            (UnappliedReason reason, string detail) = invoice is null ? (UnappliedReason.UnknownInvoice, "the invoice does not exist in this deployment")
                : foreign is { } mismatch ? mismatch
                : !payable ? (UnappliedReason.InvoiceNotPayable, $"the invoice is {InvoiceJson.StatusName(invoice.Status)}")
                : invoice.Currency != currency ? (UnappliedReason.CurrencyMismatch, $"paid in {currency.Code}, the invoice is in {invoice.Currency.Code}")
                : (UnappliedReason.SourceUnapplied, $"Stripe invoice {payment.StripeInvoiceId} was recorded unapplied before");
            return Unapplied(next, reason, $"{detail}; {Amount(amount, currency)} held as unapplied", currency.Code, delta);
        }

        long total = Math.Max(invoice!.Total.MinorUnits, 0);
        bool settlesZeroTotal = total == 0 && state.CompletedBy is null;
        if (delta == 0 && !settlesZeroTotal)
        {
            return new PaymentDecision(PaymentResolution.Unchanged, UnappliedReason.None,
                $"cumulative amount_paid {Amount(amount, currency)} for {payment.StripeInvoiceId} is already recorded ({Amount(previous, currency)})",
                currency.Code, 0, 0, 0, 0, state, false);
        }

        long before = state.ReceivedMinor;
        long after = checked(before + delta);
        long toReceivable = Math.Min(after, total) - Math.Min(before, total);
        long toCredit = delta - toReceivable;
        bool completes = (before < total && after >= total) || settlesZeroTotal;
        if (completes)
        {
            next = next with { CompletedBy = payment.EventId };
        }

        string detail2 = after >= total
            ? toCredit > 0 ? $"paid; {Amount(after - total, currency)} over the total is a customer credit" : "paid"
            : $"partially paid: {Amount(after, currency)} of {Amount(total, currency)}, {Amount(total - after, currency)} remaining";
        return new PaymentDecision(PaymentResolution.Applied, UnappliedReason.None, detail2, currency.Code, delta, toReceivable, toCredit, 0, next, completes);
    }

    /// <summary>
    /// True for the reasons that say the Stripe invoice paid is not the payer's: its payment names our invoice only because a
    /// copy carried the metadata (or is recorded under none of ours), so it links nothing of that Stripe invoice (credit notes,
    /// refunds) to our invoice.
    /// </summary>
    public static bool NotThePayers(UnappliedReason reason) =>
        reason is UnappliedReason.CustomerMismatch or UnappliedReason.StripeInvoiceMismatch or UnappliedReason.UnknownStripeInvoice
            or UnappliedReason.LivemodeMismatch;

    /// <summary>
    /// Why the Stripe invoice paid is not the payer's, or null. One synced from this invoice whose metadata names another was
    /// edited: it pays neither. Its metadata names our invoice, but Stripe's "Duplicate invoice"
    /// copies metadata to an invoice of any customer. The Stripe invoice the platform synced the invoice to is the payer's (its
    /// customer cannot change once finalized, so a later change of the payer's customer does not make it foreign). Any other one
    /// is the payer's when its customer is the payer's known one: the payer's own money, as when finance revises the Stripe
    /// invoice (Stripe voids it and copies it, metadata included, to a new one), and reconciled against the total like any
    /// payment. Another customer's is not. With the payer's customer unknown, only the synced Stripe invoice is the payer's;
    /// with neither known, the metadata is all there is to go by.
    /// </summary>
    private static (UnappliedReason Reason, string Detail)? Foreign(Invoice invoice, IncomingPayment payment, string? payerStripeCustomerId)
    {
        if (payment.MetadataNames is { } named)
        {
            return (UnappliedReason.InvoiceMetadataMismatch,
                $"Stripe invoice {payment.StripeInvoiceId} was synced from {invoice.Id}, but its metadata names {Printable(named, 64)} (edited in Stripe)");
        }

        if (invoice.StripeInvoiceId == payment.StripeInvoiceId)
        {
            return null;
        }

        if (!string.IsNullOrWhiteSpace(payerStripeCustomerId))
        {
            return string.Equals(payment.StripeCustomerId, payerStripeCustomerId, StringComparison.Ordinal) ? null
                : (UnappliedReason.CustomerMismatch, $"Stripe invoice {payment.StripeInvoiceId} is of Stripe customer {Printable(payment.StripeCustomerId ?? "(none)", 64)}, "
                    + $"not of {invoice.Payer}'s {payerStripeCustomerId}");
        }

        return invoice.StripeInvoiceId is { } synced
            ? (UnappliedReason.StripeInvoiceMismatch, $"paid through Stripe invoice {payment.StripeInvoiceId}; the invoice was synced to Stripe invoice {synced}, and {invoice.Payer} has no Stripe customer on record to tell whose this one is")
            : null;
    }

    /// <summary>Unapplied for <paramref name="reason"/>, or, for a Stripe invoice not the payer's, for that (naming both).</summary>
    private static PaymentDecision UnappliedOrForeign(InvoicePayments state, (UnappliedReason Reason, string Detail)? foreign, UnappliedReason reason, string detail) =>
        foreign is { } f ? Unapplied(state, f.Reason, $"{f.Detail}; {detail}", null, 0) : Unapplied(state, reason, detail, null, 0);

    private static PaymentDecision Unapplied(InvoicePayments state, UnappliedReason reason, string detail, string? currency, long delta) =>
        new(PaymentResolution.Unapplied, reason, detail, currency, delta, 0, 0, delta, state, false);

    private static string Amount(long minor, Currency currency) => new Money(minor, currency) + " " + currency.Code;

    /// <summary>Text from outside, cut and stripped of control characters before it reaches a report.</summary>
    private static string Printable(string text, int length)
    {
        var chars = text.Where(c => !char.IsControl(c)).Take(length).ToArray();
        return new string(chars);
    }
}
