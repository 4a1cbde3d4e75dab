namespace Billing.Domain.Events;

/// <summary>Where and when an event is validated.</summary>
/// <param name="Now">The reference instant for the time window: arrival time at ingestion, enqueue time at metering
/// (so an event accepted at ingestion is not rejected later just because it waited in the hub).</param>
/// <param name="PostingPartner">The authenticated partner at ingestion; null at metering, where the source must
/// instead be a registered partner allowed to post the type.</param>
/// <param name="Allowance">Added to both bounds of the window (<see cref="EventLimits.MaxAge"/> and
/// <see cref="EventLimits.MaxFutureSkew"/>): <see cref="EventLimits.MaxEnqueueDelay"/> when <paramref name="Now"/> is an
/// enqueue time, which comes after the ingestion check the event passed and is read from the hub's clock, not the app's.</param>
public readonly record struct ValidationContext(DateTimeOffset Now, string? PostingPartner, TimeSpan Allowance = default);
