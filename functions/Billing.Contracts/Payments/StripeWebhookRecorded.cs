namespace Billing.Contracts.Payments;

/// <summary>
/// A verified <c>invoice.paid</c> and what it did: <see cref="Replay"/> when the event was recorded before;
/// <see cref="Resolution"/> <c>applied</c>, <c>unchanged</c> or <c>unapplied</c> with the <see cref="Reason"/>; the invoice's
/// status afterwards and the burn intent, if one exists. <see cref="InvoiceId"/> is the invoice the payment was decided against
/// (the one the platform synced the Stripe invoice to, else the one its metadata names), <c>null</c> for a Stripe invoice of
/// none of ours (recorded unapplied, <c>UnknownStripeInvoice</c>). Unset members are <c>null</c>.
/// </summary>
public sealed record StripeWebhookRecorded(
    bool Received,
    string EventId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? InvoiceId,
    bool Replay,
    string Resolution,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Reason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Detail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? InvoiceStatus,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? BurnId);
