namespace Billing.Functions.ListQuarantine;

/// <summary>Quarantined events as the contract shows them (<c>Billing.Contracts.Quarantine</c>), and who may read which.</summary>
public static class QuarantineViews
{
    /// <summary>The 403 detail of a partner asking for another source's events.</summary>
    public const string OthersForbidden = "partners read only the events they sent; finance reads every source";

    public static QuarantinedEventView View(QuarantineEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new QuarantinedEventView(
            entry.Id,
            entry.Kind?.ToString().ToLowerInvariant() ?? "unknown",
            entry.Source,
            entry.EventId,
            entry.Reasons,
            entry.Hub,
            entry.PartitionId,
            entry.SequenceNumber,
            entry.EnqueuedTime,
            entry.QuarantinedAt,
            entry.RawSha256,
            entry.RawLength,
            entry.Unstored,
            entry.Replay is { } replay ? View(replay) : null,
            entry.Replays?.Select(View).ToList(),
            entry.Deliveries,
            entry.LastSeenAt,
            entry.LastSequenceNumber,
            entry.LastPartitionId,
            entry.LatestReasons,
            entry.LatestReasonsAt);
    }

    private static QuarantineReplayView View(QuarantineReplay replay) => new(replay.Outcome, replay.At, replay.By);

    /// <summary>
    /// Whether <paramref name="caller"/> may read an event stored under <paramref name="id"/>: finance any, a partner only
    /// the events of its own id as source (the partition they are stored in).
    /// </summary>
    public static bool MayRead(Partner caller, string id)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Role == PartnerRole.Finance || QuarantineStore.IsOfSource(id, caller.Id);
    }
}
