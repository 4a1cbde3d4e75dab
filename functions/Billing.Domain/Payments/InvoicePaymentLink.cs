namespace Billing.Domain.Payments;

/// <summary>
/// A Stripe <c>invoice_payment.paid</c>: which payment paid which Stripe invoice. Since API version 2025-03-31 this is the
/// only place Stripe says so: a charge names its payment intent but no invoice, and <c>invoice.paid</c> lists its payments
/// only when asked to. Recorded so that a refund on the charge can be matched to the invoice it paid.
/// </summary>
/// <param name="EventId">The Stripe event id (<c>evt_…</c>).</param>
/// <param name="InvoicePaymentId">The invoice payment (<c>inpay_…</c>).</param>
/// <param name="StripeInvoiceId">The Stripe invoice paid (<c>in_…</c>).</param>
/// <param name="PaymentId">What paid it: a payment intent (<c>pi_…</c>), or a charge made without one (<c>ch_…</c>).</param>
/// <param name="At">When Stripe created the event.</param>
public sealed record InvoicePaymentLink(string EventId, string InvoicePaymentId, string StripeInvoiceId, string PaymentId, DateTimeOffset At);
