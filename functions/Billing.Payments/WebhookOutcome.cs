namespace Billing.Payments;

/// <summary>
/// Result of <see cref="StripeWebhookHandler.Handle(ReadOnlyMemory{byte}, string?)"/>. The webhook function maps <see cref="Rejected"/> to HTTP 400
/// (Stripe retries and alerts) and everything else to 200.
/// <para>
/// Exactly-once is the caller's job: Stripe delivers at least once and may resend an event (same
/// <c>StripeEventId</c>) long after the signature tolerance of the first delivery, with a fresh signature. The handler is
/// stateless and returns the same <see cref="PaymentReceived"/> for every delivery, so the caller must record the Stripe
/// event id (or the payment against our invoice id) in storage atomically with applying it, and treat a repeat as done.
/// </para>
/// </summary>
public abstract record WebhookOutcome
{
    private WebhookOutcome()
    {
    }

    /// <summary>Not an authentic, well-formed Stripe event (missing/bad signature, timestamp outside tolerance, bad JSON).</summary>
    public sealed record Rejected(string Reason) : WebhookOutcome;

    /// <summary>Authentic, but nothing for us to do (an event type not handled, or one without what it would be recorded by).</summary>
    public sealed record Ignored(string EventId, string EventType, string Reason) : WebhookOutcome;

    /// <summary>
    /// An <c>invoice.paid</c> event. Which of our invoices it pays is the caller's lookup: the invoice the platform synced the
    /// Stripe invoice to, else the one its metadata names; with neither, it is recorded unapplied (never dropped).
    /// </summary>
    /// <param name="StripeEventId">Stripe event id (<c>evt_…</c>): the deduplication key.</param>
    /// <param name="BillingInvoiceId">The invoice the Stripe invoice's <c>metadata.billing_invoice_id</c> names, or null when it names none (<paramref name="MetadataProblem"/> says why).</param>
    /// <param name="StripeInvoiceId">Stripe invoice id (<c>in_…</c>).</param>
    /// <param name="StripeCustomerId">Stripe customer id (<c>cus_…</c>).</param>
    /// <param name="PaymentIntentId">The payment intent that paid it, when the payload names one (<c>pi_…</c>).</param>
    /// <param name="AmountPaidMinor">Amount paid in minor units of <paramref name="Currency"/>, cumulative for the Stripe invoice (may be negative if the sender is broken; the caller decides).</param>
    /// <param name="Currency">Upper-case ISO 4217 code, e.g. <c>USD</c>.</param>
    /// <param name="PaidAt">When Stripe marked the invoice paid (falls back to the event's creation time).</param>
    /// <param name="MalformedAmount">Set when <c>amount_paid</c> is not an integer of minor units (then <paramref name="AmountPaidMinor"/> is 0): the payment is recorded unapplied.</param>
    /// <param name="PaidOutOfBand">Stripe's <c>paid_out_of_band</c>: the invoice was marked paid outside Stripe (any value but <c>false</c> or absent counts, the careful reading): recorded unapplied, never booked as Stripe cash or burned.</param>
    /// <param name="MetadataProblem">Why the metadata names no invoice of ours (missing, blank, not text, not an invoice id); null when it names one.</param>
    /// <param name="LivemodeMismatch">Why the event is of the other Stripe mode than the API key's (<c>livemode</c>); null when it is not: recorded unapplied, never booked or burned.</param>
    public sealed record PaymentReceived(
        string StripeEventId,
        InvoiceId? BillingInvoiceId,
        string StripeInvoiceId,
        string StripeCustomerId,
        string? PaymentIntentId,
        long AmountPaidMinor,
        string Currency,
        DateTimeOffset PaidAt,
        string? MalformedAmount = null,
        string? MetadataProblem = null,
        bool PaidOutOfBand = false,
        string? LivemodeMismatch = null) : WebhookOutcome;

    /// <summary>
    /// A <c>credit_note.created</c> or <c>credit_note.voided</c>: money credited (or no longer credited) on a Stripe invoice. Which
    /// of our invoices it concerns is the caller's lookup (the note names the Stripe invoice, not our metadata).
    /// </summary>
    public sealed record CreditNoteReceived(Billing.Domain.Credits.IncomingCreditNote Note) : WebhookOutcome;

    /// <summary>
    /// A <c>charge.refunded</c>: money returned on a charge, by a credit note or otherwise. Which of our invoices it concerns is
    /// the caller's lookup (the charge names a Stripe invoice or payment intent, not our metadata).
    /// </summary>
    public sealed record RefundReceived(Billing.Domain.Credits.IncomingRefund Refund) : WebhookOutcome;

    /// <summary>
    /// A <c>charge.dispute.*</c>: a chargeback or inquiry on a charge, with the dispute's status then. Never rejected for what it
    /// lacks (a 4xx makes Stripe retry for days): the problem travels with it, to be recorded and reported.
    /// </summary>
    public sealed record DisputeReceived(Billing.Domain.Credits.IncomingDispute Dispute) : WebhookOutcome;

    /// <summary>
    /// An <c>invoice_payment.paid</c>: which payment paid a Stripe invoice. Which of our invoices that is, is the caller's lookup;
    /// the link lets a later (or earlier) <see cref="RefundReceived"/> on that payment be matched to it.
    /// </summary>
    public sealed record InvoicePaymentReceived(Billing.Domain.Payments.InvoicePaymentLink Link) : WebhookOutcome;
}
