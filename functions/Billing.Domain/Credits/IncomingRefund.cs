namespace Billing.Domain.Credits;

/// <summary>
/// A Stripe <c>charge.refunded</c> as Stripe reported it: how much of one charge has been returned so far. Stripe sends it
/// for every refund, those a credit note makes and those made any other way (the Dashboard, the refunds API), so it is
/// evidence to reconcile against the credit notes, never a reason to book or undo anything by itself.
/// </summary>
/// <param name="EventId">The Stripe event id (<c>evt_…</c>).</param>
/// <param name="ChargeId">The charge refunded (<c>ch_…</c>).</param>
/// <param name="PaymentIntentId">Its payment intent (<c>pi_…</c>), when the payload names one.</param>
/// <param name="StripeInvoiceId">Its Stripe invoice (<c>in_…</c>), when the payload names one (API versions before 2025 do).</param>
/// <param name="StripeCustomerId">Its customer (<c>cus_…</c>), when named: the link that is left when neither of the others is.</param>
/// <param name="AmountRefundedMinor">Everything refunded on the charge so far (cumulative), in minor units; 0 when <paramref name="Problem"/> is set.</param>
/// <param name="Currency">Upper-case ISO code as Stripe sent it.</param>
/// <param name="At">When Stripe created the event.</param>
/// <param name="Problem">Why the amount could not be read, if it could not.</param>
public sealed record IncomingRefund(
    string EventId,
    string ChargeId,
    string? PaymentIntentId,
    string? StripeInvoiceId,
    string? StripeCustomerId,
    long AmountRefundedMinor,
    string Currency,
    DateTimeOffset At,
    string? Problem = null);
