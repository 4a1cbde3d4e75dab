namespace Billing.Contracts.Payments;

/// <summary>
/// A verified <c>invoice_payment.paid</c>, recorded so that refunds on the payment are matched to the invoice it paid:
/// the Stripe invoice, the payment (<c>pi_…</c> or <c>ch_…</c>), whether the link was new (<c>false</c> for a replay), and how
/// many refunded charges of that payment, recorded before it, it placed differently (under the one invoice of ours the
/// payment paid, or back to the comparison by customer once the payment is known to have paid several).
/// </summary>
public sealed record StripeWebhookInvoicePayment(
    bool Received,
    string EventId,
    string StripeInvoiceId,
    string PaymentId,
    bool Recorded,
    int RefundsMoved);
