namespace Billing.Storage;

/// <summary>
/// What Stripe said of one dispute (<c>charge.dispute.*</c>): the latest word on its status (a decided dispute is not reopened
/// by an event dated later that still calls it open), the disputed amount, and what links its charge to an invoice of ours.
/// </summary>
/// <param name="DisputeId">The dispute (<c>du_…</c>), or the event id of an event that named none.</param>
/// <param name="ChargeId">The disputed charge, when named.</param>
/// <param name="PaymentIntentId">The charge's payment intent, when named.</param>
/// <param name="InvoiceId">Our invoice the charge paid; null while none is found (reconcile reports it as unplaced).</param>
/// <param name="AmountMinor">The disputed amount in minor units of <paramref name="Currency"/>; 0 while no readable amount arrived.</param>
/// <param name="Currency">Upper-case ISO code; empty while none was named.</param>
/// <param name="Status">Stripe's status of the dispute as last decided; null while no event named one.</param>
/// <param name="Reason">Stripe's reason for the dispute, when named.</param>
/// <param name="EventId">The event the status is from (the first event, while none named a status).</param>
/// <param name="EventType">That event's type.</param>
/// <param name="At">When Stripe created that event.</param>
public sealed record DisputeRecord(
    string DisputeId,
    string? ChargeId,
    string? PaymentIntentId,
    string? InvoiceId,
    long AmountMinor,
    string Currency,
    string? Status,
    string? Reason,
    string EventId,
    string EventType,
    DateTimeOffset At)
{
    /// <summary>What the latest event that could not be read whole lacked, until a readable event Stripe created as late or later arrives.</summary>
    public string? Problem { get; init; }

    /// <summary>The event that could not be read whole.</summary>
    public string? ProblemEventId { get; init; }

    /// <summary>When Stripe created that event.</summary>
    public DateTimeOffset? ProblemAt { get; init; }

    /// <summary>
    /// When storage last wrote the row (its <c>Timestamp</c>, set by the service), null for a row not read from storage. A
    /// dispute recorded or placed after finance released its invoice's burn holds it again, however long ago Stripe created
    /// the event: Stripe retries a delivery for days, and a link arriving late places a dispute late.
    /// </summary>
    public DateTimeOffset? StoredAt { get; init; }
}
