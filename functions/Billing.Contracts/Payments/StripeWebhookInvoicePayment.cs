namespace Billing.Contracts.Payments;

/// <summary>
/// A verified <c>invoice_payment.paid</c>, recorded so that refunds on the payment are matched to the invoice it paid:
/// the Stripe invoice, the payment (<c>pi_…</c> or <c>ch_…</c>), our invoice (<c>null</c> when no invoice of ours, or more
/// than one, was paid by it), whether the link was new (<c>false</c> for a replay), and how many refunded charges recorded
/// before it, with no invoice found then, are now under that invoice.
/// </summary>
public sealed record StripeWebhookInvoicePayment(
    bool Received,
    string EventId,
    string StripeInvoiceId,
    string PaymentId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? InvoiceId,
    bool Recorded,
    int RefundsMatched);
