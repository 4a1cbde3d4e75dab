namespace Billing.Application.Metering;

/// <summary>
/// A replay's outcome, the reasons behind it (field and reason; empty when the event counts) and the quarantined event
/// as it stands after the replay (its replay record, its first reasons and, when this replay's differ, those as its latest).
/// </summary>
public sealed record ReplayResult(ReplayOutcome Outcome, IReadOnlyList<ValidationError> Reasons, QuarantineEntry Entry)
{
    /// <summary>Whether the event counts now, exactly once (metered by this replay or before it).</summary>
    public bool Counted => Outcome is ReplayOutcome.Metered or ReplayOutcome.Duplicate;
}
