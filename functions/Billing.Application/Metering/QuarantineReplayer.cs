namespace Billing.Application.Metering;

/// <summary>
/// Puts a quarantined event back through metering once its cause is fixed (a partner or plan configured late, a storage
/// fault repaired): its stored payload, byte for byte, meets the validation, hub type rule and fact dedup a fresh event
/// of its hub meets (<see cref="MeteringService.SortAsync"/>), validated as of the time its hub first had it (as metering
/// validates; as of now when that is not known), so an event accepted in time counts however late it is replayed, and its
/// month, when past the closes that correct it routinely, is marked late and settled by the next close.
/// <para>Exactly once holds because the fact store's identity row is the dedup: a replay of an event metered since, or
/// two replays at once, find it a duplicate. A conflict is never replayed: its first version counts. The event's row is
/// never deleted; it keeps the replay record (outcome, when, by whom; a resolution stands against later replays), the last
/// replays and, when the event is set aside again for other reasons than its first, those as its latest reasons (the first
/// stay). Transient storage failures propagate (the caller retries).</para>
/// </summary>
public sealed partial class QuarantineReplayer(MeteringService metering, QuarantineStore quarantine, TimeProvider time, ILogger<QuarantineReplayer> logger)
{
    /// <summary>Replays the event <paramref name="id"/> names for <paramref name="actor"/>; null when there is no such event.</summary>
    public async Task<ReplayResult?> ReplayAsync(string id, string actor, CancellationToken cancellationToken)
    {
        if (await quarantine.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } detail)
        {
            return null;
        }

        var entry = detail.Entry;
        if (Refusal(detail) is { } refusal)
        {
            LogReplayed(logger, id, actor, refusal.Outcome);
            return new ReplayResult(refusal.Outcome, [refusal.Reason], entry);
        }

        // Its age is taken when its hub first had it, as metering takes it: an event accepted in time is billed however late
        // the replay (the next close settles its month: LateUsageStore). Never a later time than now, whatever the row says.
        var now = time.GetUtcNow();
        DateTimeOffset? enqueuedAt = entry.EnqueuedTime is { } t && t < now ? t : null;
        var batch = new MeteringBatch([detail.Raw!], [enqueuedAt], [entry.SequenceNumber], entry.PartitionId);
        var (setAside, appended) = await metering.SortAsync(entry.Hub, MeteringHubs.ExpectedType(entry.Hub)!, batch, cancellationToken).ConfigureAwait(false);
        var outcome = appended.Inserted > 0 ? ReplayOutcome.Metered : appended.Duplicates > 0 ? ReplayOutcome.Duplicate : Outcome(setAside[0].Kind);
        IReadOnlyList<string>? reasons = null;
        if (setAside.Count > 0)
        {
            reasons = setAside[0].Reasons;
            if (setAside[0].Kind != entry.Kind)
            {
                // Set aside as another kind (an invalid event that now conflicts with a version metered since): listed under
                // that kind too, with what that kind keeps (a conflict's counted version).
                await quarantine.AddAsync(setAside, cancellationToken).ConfigureAwait(false);
            }
        }

        var replay = new QuarantineReplay(outcome.ToString().ToLowerInvariant(), time.GetUtcNow(), actor);
        var record = await quarantine.RecordReplayAsync(id, replay, reasons, cancellationToken).ConfigureAwait(false);
        LogReplayed(logger, id, actor, outcome);
        return new ReplayResult(outcome, reasons?.Select(Reason).ToList() ?? [], entry with
        {
            Replay = record?.Standing,
            Replays = record?.History,
            LatestReasons = record?.LatestReasons ?? entry.LatestReasons,
            LatestReasonsAt = record?.LatestReasons is null ? entry.LatestReasonsAt : record.LatestReasonsAt,
        });
    }

    /// <summary>Why an event is not put through metering at all; null when it is.</summary>
    private static (ReplayOutcome Outcome, ValidationError Reason)? Refusal(QuarantineDetail detail)
    {
        var entry = detail.Entry;
        return entry switch
        {
            { Kind: QuarantineKind.Conflict } => (ReplayOutcome.Conflict, new ValidationError("id",
                $"({entry.Source}, {entry.EventId}) counts with the version metered first; a differing version is never replayed over it (send real usage under a new id)")),
            { Kind: null } => (ReplayOutcome.Refused, new ValidationError("kind", "the row was not written by this platform")),
            _ when detail.Raw is null => (ReplayOutcome.Refused, new ValidationError("raw", $"the payload was not kept ({entry.Unstored}); only its digest is, so there is nothing to replay")),
            _ when MeteringHubs.ExpectedType(entry.Hub) is null => (ReplayOutcome.Refused, new ValidationError("hub", $"metering reads no hub '{entry.Hub}'")),
            _ => null,
        };
    }

    private static ReplayOutcome Outcome(QuarantineKind kind) => kind switch
    {
        QuarantineKind.Conflict => ReplayOutcome.Conflict,
        QuarantineKind.Malformed => ReplayOutcome.Malformed,
        QuarantineKind.Unstorable => ReplayOutcome.Unstorable,
        QuarantineKind.Overlap => ReplayOutcome.Overlap,
        _ => ReplayOutcome.Invalid,
    };

    /// <summary>A quarantine reason (<c>field: reason</c>, as metering writes them) as its field and reason.</summary>
    private static ValidationError Reason(string text)
    {
        int colon = text.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 ? new ValidationError(text[..colon], text[(colon + 2)..]) : new ValidationError("$", text);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Quarantined event {Id} replayed by {Actor}: {Outcome}")]
    private static partial void LogReplayed(ILogger logger, string id, string actor, ReplayOutcome outcome);
}
