namespace Billing.Contracts.Quarantine;

/// <summary>
/// A replay of a quarantined event (<c>POST /api/v1/quarantine/{id}/replay</c>): <see cref="Outcome"/> is <c>metered</c>
/// or <c>duplicate</c> when the event counts (as the record that stands, a later replay never overwrites that), else the
/// kind it was set aside as again (<c>invalid</c>, <c>malformed</c>, <c>unstorable</c>, <c>conflict</c>); when, and the
/// partner who asked.
/// </summary>
public sealed record QuarantineReplayView(string Outcome, DateTimeOffset At, string By);
