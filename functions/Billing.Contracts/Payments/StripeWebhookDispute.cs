namespace Billing.Contracts.Payments;

/// <summary>
/// A verified <c>charge.dispute.*</c>, recorded (nothing is booked from it): the dispute (the event id when the event named
/// none), its charge, our invoice the charge paid (<c>null</c> while none is found: reconcile reports <c>DisputeUnplaced</c>),
/// the dispute's status as recorded after this event (a later-dated event that still calls a decided dispute open does not
/// reopen it), the disputed amount, what the event lacked (<c>problem</c>, reported as <c>DisputeMalformed</c>; still 200, as
/// Stripe would retry a 4xx for days), and whether it was news (<c>false</c> for a redelivery).
/// </summary>
public sealed record StripeWebhookDispute(
    bool Received,
    string EventId,
    string DisputeId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ChargeId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? InvoiceId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Status,
    long AmountMinor,
    string Currency,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Problem,
    bool Recorded);
