namespace Billing.Storage;

/// <summary>
/// The last replay of a quarantined event through metering: what it found (<see cref="Outcome"/>: <c>metered</c>,
/// <c>duplicate</c>, or the kind it was set aside as again), when, and by whom. Kept on the event's row, which is never
/// deleted: an auditor sees the event, why it was set aside, and how it was resolved.
/// </summary>
public sealed record QuarantineReplay(string Outcome, DateTimeOffset At, string By)
{
    public const string Metered = "metered";
    public const string Duplicate = "duplicate";

    /// <summary>Whether the event is counted now (a replay metered it, or found it metered already).</summary>
    public bool Resolved => Outcome is Metered or Duplicate;

    /// <summary>
    /// Whether this replay's record should replace <paramref name="stored"/>: a resolution is never overwritten by a later
    /// replay, except a <c>duplicate</c> by the replay that actually metered the event (two at once), so the record names
    /// who counted it.
    /// </summary>
    public bool Supersedes(QuarantineReplay? stored) => stored is null || !stored.Resolved || (stored.Outcome == Duplicate && Outcome == Metered);
}
