namespace Billing.Storage;

/// <summary>
/// One replay of a quarantined event through metering: what it found (<see cref="Outcome"/>: <c>metered</c>,
/// <c>duplicate</c>, or the kind it was set aside as again), when, and by whom. The event's row, which is never deleted,
/// keeps the one that stands (the resolution, once there is one) and the last <see cref="HistoryLimit"/> of them: an
/// auditor sees the event, why it was set aside, who tried to count it, and how it was resolved.
/// </summary>
public sealed record QuarantineReplay(string Outcome, DateTimeOffset At, string By)
{
    public const string Metered = "metered";
    public const string Duplicate = "duplicate";

    /// <summary>How many replays an event's row keeps, newest last (fewer when they would not fit one property: see <see cref="QuarantineStore.MaxReplayHistoryChars"/>).</summary>
    public const int HistoryLimit = 20;

    /// <summary>Whether the event is counted now (a replay metered it, or found it metered already).</summary>
    public bool Resolved => Outcome is Metered or Duplicate;

    /// <summary>
    /// Whether this replay's record should replace <paramref name="stored"/>: a resolution is never overwritten by a later
    /// replay, except a <c>duplicate</c> by the replay that actually metered the event (two at once), so the record names
    /// who counted it.
    /// </summary>
    public bool Supersedes(QuarantineReplay? stored) => stored is null || !stored.Resolved || (stored.Outcome == Duplicate && Outcome == Metered);
}
