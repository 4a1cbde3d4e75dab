namespace Billing.Storage;

/// <summary>
/// What Stripe has refunded on one charge: the largest cumulative <c>amount_refunded</c> a readable <c>charge.refunded</c>
/// said (events may arrive out of order), and what links the charge to an invoice of ours.
/// </summary>
/// <param name="ChargeId">The charge (<c>ch_…</c>).</param>
/// <param name="InvoiceId">Our invoice the charge paid; null while none was found for it (reconcile then goes by its customer).</param>
/// <param name="AmountRefundedMinor">Refunded so far, in minor units of <paramref name="Currency"/>; 0 while no readable amount arrived.</param>
/// <param name="Currency">Upper-case ISO code.</param>
/// <param name="StripeInvoiceId">The charge's Stripe invoice, when named.</param>
/// <param name="PaymentIntentId">The charge's payment intent, when named.</param>
/// <param name="StripeCustomerId">The charge's customer, when named.</param>
/// <param name="EventId">The event the amount is from (the first event, while no readable amount arrived).</param>
/// <param name="At">When Stripe created that event.</param>
public sealed record RefundRecord(
    string ChargeId,
    string? InvoiceId,
    long AmountRefundedMinor,
    string Currency,
    string? StripeInvoiceId,
    string? PaymentIntentId,
    string? StripeCustomerId,
    string EventId,
    DateTimeOffset At)
{
    /// <summary>Why an event's amount could not be read (the amount is then not taken), until a readable event Stripe created later arrives.</summary>
    public string? Problem { get; init; }

    /// <summary>The event whose amount could not be read.</summary>
    public string? ProblemEventId { get; init; }

    /// <summary>When Stripe created that event.</summary>
    public DateTimeOffset? ProblemAt { get; init; }
}
