namespace Billing.Contracts.Quarantine;

/// <summary>
/// A replay that left the event counted: <see cref="Outcome"/> <c>metered</c> (this replay made the fact) or
/// <c>duplicate</c> (it was counted already, nothing counted twice); <see cref="Detail"/> in words; the event as it now
/// stands, its <c>replay</c> record included. Replays that do not count it answer problem+json (409, 422, 503).
/// </summary>
public sealed record QuarantineReplayResponse(string Outcome, string Detail, QuarantinedEventView Event);
