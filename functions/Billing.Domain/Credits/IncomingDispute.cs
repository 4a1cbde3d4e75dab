namespace Billing.Domain.Credits;

/// <summary>
/// A Stripe <c>charge.dispute.*</c> event as Stripe reported it: the dispute (chargeback or inquiry) of one charge, with the
/// status the dispute object had when the event was made. Evidence that cash may not be kept: it holds the burn of the invoice
/// the charge paid while open or lost (<see cref="DisputeStatuses"/>), and reconcile reports it; nothing is booked from it.
/// </summary>
/// <param name="EventId">The Stripe event id (<c>evt_…</c>).</param>
/// <param name="EventType">The event's type, e.g. <c>charge.dispute.closed</c>.</param>
/// <param name="DisputeId">The dispute (<c>du_…</c>); the event id when the event carries no readable dispute id, so it is still kept and reported.</param>
/// <param name="ChargeId">The disputed charge (<c>ch_…</c>), when named.</param>
/// <param name="PaymentIntentId">Its payment intent (<c>pi_…</c>), when named.</param>
/// <param name="AmountMinor">The disputed amount in minor units; null when it could not be read (<paramref name="Problem"/> says why).</param>
/// <param name="Currency">Upper-case ISO code as Stripe sent it; null when not named.</param>
/// <param name="Status">The dispute's status as Stripe sent it (<c>needs_response</c>, <c>won</c>, <c>lost</c>, …); null when not named.</param>
/// <param name="Reason">Stripe's reason for the dispute (<c>fraudulent</c>, …), when named.</param>
/// <param name="At">When Stripe created the event: which of two events is the later word on the dispute.</param>
/// <param name="Problem">What the event lacks or holds unreadably (no dispute id, charge, amount, currency or status), if anything.</param>
public sealed record IncomingDispute(
    string EventId,
    string EventType,
    string DisputeId,
    string? ChargeId,
    string? PaymentIntentId,
    long? AmountMinor,
    string? Currency,
    string? Status,
    string? Reason,
    DateTimeOffset At,
    string? Problem = null);
