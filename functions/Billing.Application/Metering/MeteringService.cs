using Billing.Application.Ingestion;
using Billing.Application.Telemetry;

namespace Billing.Application.Metering;

/// <summary>
/// Meters one Event Hubs batch. The trigger checkpoints after every invocation whatever the outcome, so a bad event
/// never fails the batch: it is quarantined with its reasons and raw payload. Failures are classified
/// (<see cref="StorageFailure"/>): a transient storage error fails the invocation (after the SDK's own retries) and the
/// function's retry policy redelivers; facts are keyed for exactly-once, so redelivery never double counts. A row the
/// service refuses deterministically is isolated event by event and quarantined as unstorable, and the rest is metered.
/// </summary>
public sealed partial class MeteringService(
    UsageEventValidator validator,
    FactStore facts,
    QuarantineStore quarantine,
    PartnerDirectory partners,
    TimeProvider time,
    MeteringLag lag,
    ILogger<MeteringService> logger)
{
    /// <summary>The <c>expectedType</c> of the hub that carries every declared type (<c>meters/*.json</c>).</summary>
    public const string DeclaredTypes = "declared";

    /// <param name="hub">The hub the batch came from (quarantine records, telemetry).</param>
    /// <param name="expectedType">The one event type the hub carries, or <see cref="DeclaredTypes"/>.</param>
    /// <param name="batch">The events.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    public async Task<MeteringSummary> MeterAsync(string hub, string expectedType, MeteringBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var activity = BillingTelemetry.Source.StartActivity("MeterBatch");
        activity?.SetTag("billing.hub", hub);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        lag.Observe(hub, batch); // first: a batch that fails every try still reports its age
        var (bad, appended) = await SortAsync(hub, expectedType, batch, cancellationToken).ConfigureAwait(false);
        string? partitionId = batch.PartitionId;
        var events = batch.Events;

        if (bad.Count > 0)
        {
            await quarantine.AddAsync(bad, cancellationToken).ConfigureAwait(false);
            LogQuarantined(logger, bad.Count, hub);
        }

        var summary = new MeteringSummary(events.Count, appended.Inserted, appended.Duplicates, bad.Count, appended.Transactions);
        var hubTag = new KeyValuePair<string, object?>("hub", hub);
        BillingTelemetry.FactsWritten.Add(summary.Inserted, hubTag);
        BillingTelemetry.EventsDuplicate.Add(summary.Duplicates, hubTag);
        BillingTelemetry.EventsQuarantined.Add(summary.Quarantined, hubTag);
        BillingTelemetry.BatchDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, hubTag);
        activity?.SetTag("billing.events", summary.Received);
        LogMetered(logger, hub, partitionId, summary.Received, summary.Inserted, summary.Duplicates, summary.Quarantined);
        return summary;
    }

    /// <summary>
    /// Validates every event of the batch and appends the valid ones: the facts written, and the events to set aside
    /// (invalid, malformed, conflicting, unstorable), not yet stored. Shared by <see cref="MeterAsync"/> and
    /// <see cref="QuarantineReplayer"/>, so a replayed event meets exactly the rules and dedup a fresh one does. An event
    /// without an enqueue time is validated as of now.
    /// </summary>
    internal async Task<(List<QuarantinedEvent> SetAside, AppendResult Appended)> SortAsync(string hub, string expectedType, MeteringBatch batch, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow(); // before the registry's read: a read that expired cache makes serves the batch
        await partners.EnsureFreshAsync(cancellationToken).ConfigureAwait(false);
        var events = batch.Events;
        string? partitionId = batch.PartitionId;

        var results = new EventValidationResult?[events.Count];
        var malformed = new string?[events.Count];
        bool unknownPartner = false, ungrantedPayer = false;
        for (int i = 0; i < events.Count; i++)
        {
            results[i] = Validate(events[i], EnqueuedAt(batch, i), now, out malformed[i]);
            unknownPartner |= results[i]?.NamesUnknownPartner == true;
            ungrantedPayer |= results[i]?.NamesUngrantedPayer == true;
        }

        if (unknownPartner || ungrantedPayer)
        {
            // The partner may be one another instance registered within the cache TTL (the event was accepted there): the
            // registry is read again, once a batch at most, and those events validated again before they are set aside. A
            // payer that has not granted the source (a grant made on another instance meanwhile, or a hub sender naming
            // payers at will) is worth a read at most once a second, as at ingestion, not one every batch.
            var since = unknownPartner ? now : now - UsageIngestion.UnknownPartnerReadInterval;
            await partners.RefreshUnlessReadSinceAsync(since, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < events.Count; i++)
            {
                if (results[i] is { NamesUnknownPartner: true } or { NamesUngrantedPayer: true })
                {
                    results[i] = Validate(events[i], EnqueuedAt(batch, i), now, out malformed[i]);
                }
            }
        }

        var pending = new List<PendingFact>(events.Count);
        var bad = new List<QuarantinedEvent>();
        var refusedFacts = new List<UsageFact>();
        for (int i = 0; i < events.Count; i++)
        {
            string raw = events[i];
            DateTimeOffset? enqueuedAt = EnqueuedAt(batch, i);
            long? seq = i < batch.SequenceNumbers.Count ? batch.SequenceNumbers[i] : null;
            QuarantinedEvent Quarantine(QuarantineKind kind, IReadOnlyList<string> reasons, string? source = null, string? id = null) =>
                new(kind, raw, reasons, source, id, hub, partitionId, seq, enqueuedAt, now);

            if (results[i] is not { } result)
            {
                bad.Add(Quarantine(QuarantineKind.Malformed, [$"$: not valid JSON ({malformed[i]})"]));
            }
            else if (result.Fact is not { } fact)
            {
                bad.Add(Quarantine(QuarantineKind.Invalid, result.Errors.Select(e => e.ToString()).ToList(), result.Source, result.Id));
                if (result.Refused is { } refusedFact)
                {
                    refusedFacts.Add(refusedFact);
                }
            }
            else if (expectedType == DeclaredTypes ? !fact.IsDeclared : fact.Type != expectedType)
            {
                bad.Add(Quarantine(QuarantineKind.Invalid, [$"type: '{fact.Type}' does not belong on hub '{hub}'"], result.Source, result.Id));
            }
            else
            {
                pending.Add(new PendingFact(fact, raw) { MonthLimits = MonthLimits(fact), SequenceNumber = seq, EnqueuedTime = enqueuedAt });
            }
        }

        if (refusedFacts.Count > 0)
        {
            // An earlier try of such an event may have claimed its lease interval or session window before its batch failed: released first,
            // so it blocks neither the batch's other events nor a corrected resend (its own replay claims it again).
            LogReleaseFailures(await facts.ReleaseRefusedAsync(refusedFacts, cancellationToken).ConfigureAwait(false));
        }

        var appended = pending.Count > 0
            ? await facts.AppendAsync(pending, cancellationToken).ConfigureAwait(false)
            : new AppendResult(0, 0, [], 0);
        await MarkLateMonthsAsync(pending, appended, cancellationToken).ConfigureAwait(false);
        // Set aside after the hub delivered them, they keep their position like any other: listed with it, and replayed as of
        // their enqueue time (QuarantineReplayer), so an event accepted in time still counts however late the replay.
        QuarantinedEvent SetAside(PendingFact p, QuarantineKind kind, string reason, string? existingRaw = null) =>
            new(kind, p.RawEvent, [reason], p.Fact.Source, p.Fact.Id, hub, partitionId, p.SequenceNumber, p.EnqueuedTime, now, existingRaw);
        foreach (var conflict in appended.Conflicts)
        {
            var f = conflict.Incoming.Fact;
            bad.Add(SetAside(conflict.Incoming, QuarantineKind.Conflict,
                // The first version took the id when it was claimed, so it may itself have been set aside since (over the
                // month's limit, refused by storage): it is not said to be metered.
                $"id: ({f.Source}, {f.Id}) was taken first by a version with different content (hash {conflict.ExistingHash[..Math.Min(12, conflict.ExistingHash.Length)]}); the first version counts, metered or set aside in quarantine",
                conflict.ExistingRawEvent));
        }

        bad.AddRange(appended.Unstorable.Select(refused => SetAside(refused.Fact, QuarantineKind.Unstorable, $"$: {refused.Reason}")));
        bad.AddRange(appended.OverLimit.Select(refused => SetAside(refused.Fact, QuarantineKind.Invalid, refused.Reason)));
        bad.AddRange(appended.Overlaps.Select(overlap => SetAside(overlap.Fact, QuarantineKind.Overlap, overlap.Reason)));
        foreach (var notice in appended.ClaimNotices)
        {
            LogClaimUnchecked(logger, notice.Usage, notice.Source, notice.Reason);
        }

        LogReleaseFailures(appended.ClaimReleaseFailures);

        return (bad, appended);
    }

    private void LogReleaseFailures(IReadOnlyList<ClaimNotice> failures)
    {
        foreach (var failure in failures)
        {
            LogClaimNotReleased(logger, failure.Usage, failure.Source, failure.Reason);
        }
    }

    private static DateTimeOffset? EnqueuedAt(MeteringBatch batch, int i) => i < batch.EnqueuedTimes.Count ? batch.EnqueuedTimes[i] : null;

    /// <summary>The event validated as of its enqueue time (now when not known); null, with why, when it is not even JSON.</summary>
    private EventValidationResult? Validate(string raw, DateTimeOffset? enqueuedAt, DateTimeOffset now, out string? malformed)
    {
        malformed = null;
        byte[] utf8 = System.Buffers.ArrayPool<byte>.Shared.Rent(StrictUtf8.Encoding.GetMaxByteCount(raw.Length));
        try
        {
            int length = StrictUtf8.Encoding.GetBytes(raw, utf8);
            // Validate against the enqueue time: an event accepted at ingestion stays valid however long it waited in the hub,
            // and the seconds publishing took before it was enqueued do not age it out of the 35-day window either.
            return validator.Validate(utf8.AsSpan(0, length), new ValidationContext(enqueuedAt ?? now, null, enqueuedAt is null ? TimeSpan.Zero : EventLimits.MaxEnqueueDelay));
        }
        catch (Exception ex) when (ex is JsonException or EncoderFallbackException)
        {
            malformed = ex.Message;
            return null;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    /// <summary>The limits of the payer's plan for the fact's month (<see cref="Billing.Domain.Pricing.BillableLimit"/>), so what is metered always bills.</summary>
    private IReadOnlyDictionary<string, Int128>? MonthLimits(UsageFact fact) =>
        partners.Find(fact.Payer)?.PlanFor(BillingPeriod.Containing(fact.Time)) is { } plan && validator.Prices.FindPlan(plan) is { } priced
            ? priced.MonthLimits
            : null;

    /// <summary>
    /// Records the months of the facts just written (or found written: a redelivery after a crash marks again) that the
    /// last close correcting them routinely may have read already (a hub backlog, a host outage), so the next close settles
    /// them instead of no close ever billing them (<see cref="LateUsageStore"/>). The clock is read after the write.
    /// </summary>
    private async Task MarkLateMonthsAsync(List<PendingFact> pending, AppendResult appended, CancellationToken cancellationToken)
    {
        var meteredAt = time.GetUtcNow();
        var windowStart = Adjustments.RoutineWindowStart(meteredAt);
        var past = pending.Where(p => p.Fact.Time < windowStart).ToList(); // on time, as nearly always: one comparison a fact
        if (past.Count == 0)
        {
            return;
        }

        var refused = appended.Unstorable.Concat(appended.OverLimit).Concat(appended.Overlaps).Select(u => u.Fact).ToHashSet(ReferenceEqualityComparer.Instance);
        var late = past
            .Where(p => !refused.Contains(p))
            .Select(p => (p.Fact.Payer, Month: BillingPeriod.Containing(p.Fact.Time)))
            .Distinct()
            .ToList();
        if (late.Count > 0)
        {
            await facts.LateUsage.MarkAsync(late, meteredAt, cancellationToken).ConfigureAwait(false);
            foreach (var (payer, month) in late)
            {
                LogMeteredLate(logger, month.ToString(), payer);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage of {Month} for {Payer} was metered after the closes that correct that month routinely; the next close bills it as an adjustment")]
    private static partial void LogMeteredLate(ILogger logger, string month, string payer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage of {Usage} from {Source} is metered without the overlap check: {Reason}")]
    private static partial void LogClaimUnchecked(ILogger logger, string usage, string source, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The claim of {Usage} from {Source} held by an event set aside was not released: {Reason}. The window stays held, so another event sending it is set aside as overlap")]
    private static partial void LogClaimNotReleased(ILogger logger, string usage, string source, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} event(s) from hub {Hub} quarantined")]
    private static partial void LogQuarantined(ILogger logger, int count, string hub);

    [LoggerMessage(Level = LogLevel.Information, Message = "Metered {Hub}/{Partition}: {Received} received, {Inserted} new, {Duplicates} duplicate, {Quarantined} quarantined")]
    private static partial void LogMetered(ILogger logger, string hub, string? partition, int received, int inserted, int duplicates, int quarantined);
}
