namespace Billing.Contracts.Payments;

/// <summary>
/// A verified <c>charge.refunded</c>, recorded as evidence for reconcile (nothing is booked or undone from it): the charge,
/// our invoice it paid (<c>null</c> when none could be found), what Stripe says was refunded on it so far, and whether that
/// was news (<c>false</c> for a replay, or an earlier amount arriving late).
/// </summary>
public sealed record StripeWebhookRefund(
    bool Received,
    string EventId,
    string ChargeId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? InvoiceId,
    long AmountRefundedMinor,
    string Currency,
    bool Recorded);
