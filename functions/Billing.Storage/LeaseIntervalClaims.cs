namespace Billing.Storage;

/// <summary>
/// Bills a compute lease's usage once whatever ids it is sent under (docs/contract.md §3): for one (source, lease, GPU model) the
/// intervals <c>[intervalStart, intervalEnd)</c> describe one allocation over time, so an event whose interval overlaps
/// the interval another event (another id) claimed first is set aside (<see cref="AppendResult.Overlaps"/>). Adjacent
/// intervals do not overlap; an event's own claim (a redelivery) never blocks it.
/// <para>Layout: partition <c>{source}|lease|{lease}|{model}</c> of the facts table (each part escaped, or its digest when long), rows
/// of a UTC day (<see cref="LeaseDay"/>: <c>d|{yyyyMMdd}</c>, and when it is full <c>d|{yyyyMMdd}|01</c>, … <see cref="LeaseDayRow"/>);
/// an interval (at most 24 h) is recorded in one row of each day it touches. A batch's
/// compute facts are grouped by (source, lease, GPU model); each group reads its days' rows once (one range query), decides its events in batch order (the
/// first sent wins) and writes the rows it changed in one entity-group transaction (several only when they exceed its
/// budget), an insert for a new row and an ETag-conditioned replace otherwise, so concurrent metering instances serialize:
/// on 409/412 the group pauses (jittered), reads again and decides again, up to <see cref="MaxAttempts"/> times, then fails as transient
/// (the batch is redelivered). A fact that was kept but not written after all (over its month limit, refused, a
/// conflict) is released, so it does not block its interval; releasing again (a redelivery) changes nothing.</para>
/// <para>Capacity: a day whose <see cref="LeaseDayRow.MaxRowsPerDay"/> rows are full (144,000 intervals at least), or
/// with a row this platform did not write, is still checked against but records nothing more: such an event is metered
/// without a claim (any valid event stays billable), reported once a day (<see cref="AppendResult.LeaseDayNotices"/>).
/// A row storage refuses is reported and its events metered the same way.</para>
/// </summary>
internal sealed class LeaseIntervalClaims(TableClient table, int parallelism)
{
    /// <summary>Tries of one lease's claims against concurrent writers before the batch fails as transient.</summary>
    public const int MaxAttempts = 8;

    /// <summary>Longest escaped source or lease kept verbatim in the partition key (with the model and separators, within 512).</summary>
    private const int MaxPartChars = 200;

    /// <summary>Longest escaped GPU model kept verbatim in the partition key.</summary>
    private const int MaxModelChars = 100;

    /// <summary>Whether <paramref name="fact"/> claims an interval: compute usage read from an event (its interval start known).</summary>
    public static bool Applies(UsageFact fact) => fact.IsCompute && fact.IntervalStart is not null && fact.Lease is not null;

    /// <summary>
    /// The partition of one (source, lease, GPU model): a lease reported per model (8 H100 and 8 A100, one event each an
    /// hour) is two allocations side by side, not one sent twice.
    /// </summary>
    public static string PartitionKey(string source, string lease, string gpuModel) =>
        string.Concat(TableKey.Part(source, MaxPartChars), "|lease|", TableKey.Part(lease, MaxPartChars), "|", TableKey.Part(gpuModel, MaxModelChars));

    private static string PartitionKey(UsageFact fact) => PartitionKey(fact.Source, fact.Lease!, fact.GpuModel ?? "");

    /// <summary>The UTC days <c>[IntervalStart, Time)</c> touches (one or two).</summary>
    public static IEnumerable<DateOnly> Days(UsageFact fact)
    {
        var first = DateOnly.FromDateTime(fact.IntervalStart!.Value.UtcDateTime);
        var last = DateOnly.FromDateTime(fact.Time.UtcDateTime.AddTicks(-1));
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            yield return day;
        }
    }

    /// <summary>
    /// Claims the intervals of the facts that apply, in the order given (the batch's: the first sent wins); returns the facts
    /// that may be written: those that do not apply, and those whose interval is theirs. The others are in <paramref name="log"/>.
    /// </summary>
    public async Task<List<PendingFact>> ClaimAsync(IReadOnlyList<PendingFact> facts, LeaseClaimLog log, CancellationToken cancellationToken)
    {
        var groups = facts.Where(p => Applies(p.Fact)).GroupBy(p => PartitionKey(p.Fact)).ToList();
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (group, ct) => await ClaimGroupAsync(group.Key, [.. group], log, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return facts.Where(p => !Applies(p.Fact) || log.Kept.ContainsKey(p)).ToList();
    }

    /// <summary>Releases the intervals of facts that were kept but not written (safe to repeat: a released interval is simply absent).</summary>
    public async Task ReleaseAsync(IEnumerable<PendingFact> facts, LeaseClaimLog log, CancellationToken cancellationToken)
    {
        var groups = facts.GroupBy(p => PartitionKey(p.Fact)).ToList();
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (group, ct) =>
            await UpdateAsync(group.Key, [.. group], log, log.ReleaseFailures, days =>
            {
                foreach (var p in group)
                {
                    string key = LeaseDayRow.Key(p.Fact.Id);
                    foreach (var day in Days(p.Fact))
                    {
                        days[day].Remove(key);
                    }
                }

                return () => { };
            }, ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private Task ClaimGroupAsync(string partitionKey, List<PendingFact> group, LeaseClaimLog log, CancellationToken cancellationToken) =>
        UpdateAsync(partitionKey, group, log, log.Notices, days =>
        {
            var kept = new List<PendingFact>();
            var overlaps = new List<UnstorableFact>();
            var notices = new List<LeaseDayNotice>();
            foreach (var p in group)
            {
                Decide(p, days, kept, overlaps, notices);
            }

            return () =>
            {
                foreach (var p in kept)
                {
                    log.Kept[p] = true;
                }

                foreach (var o in overlaps)
                {
                    log.Overlaps.Add(o);
                }

                foreach (var n in notices)
                {
                    log.Notices.Add(n);
                }
            };
        }, cancellationToken);

    /// <summary>One event against its lease's days as they stand (earlier events of the batch included).</summary>
    private static void Decide(PendingFact pending, Dictionary<DateOnly, LeaseDay> days, List<PendingFact> kept, List<UnstorableFact> overlaps, List<LeaseDayNotice> notices)
    {
        var f = pending.Fact;
        string key = LeaseDayRow.Key(f.Id);
        var interval = new LeaseInterval(f.IntervalStart!.Value.UtcTicks, f.Time.UtcTicks, key);
        var touched = Days(f).Select(d => days[d]).ToList();
        if (touched.TrueForAll(day => day.Holds(key)))
        {
            kept.Add(pending); // its own claim: a redelivery, or a replay of an event metered since
            return;
        }

        foreach (var day in touched)
        {
            if (day.FirstOverlap(interval.StartTicks, interval.EndTicks, key) is { } other)
            {
                foreach (var own in touched)
                {
                    own.Remove(key); // part of its claim an earlier try left: it does not hold the interval
                }

                overlaps.Add(new UnstorableFact(pending, Reason(f, other)));
                return;
            }
        }

        kept.Add(pending);
        if (touched.Find(day => !day.Holds(key) && !day.HasRoom(interval)) is { } full)
        {
            if (full.Full() is { } reason)
            {
                notices.Add(new LeaseDayNotice(f.Source, f.Lease!, full.Day, reason));
            }

            return;
        }

        foreach (var day in touched.Where(day => !day.Holds(key)))
        {
            day.Add(interval);
        }
    }

    private static string Reason(UsageFact fact, LeaseInterval other) =>
        $"data.intervalStart: the interval [{Text(fact.IntervalStart!.Value)}, {Text(fact.Time)}) of lease '{fact.Lease}' ({fact.GpuModel}) overlaps the interval " +
        $"[{Text(other.Start)}, {Text(other.End)}) event {other.EventId} of '{fact.Source}' claimed first; a lease's usage is billed once " +
        "(resend an interval under the id it was first sent with; should that event be set aside after all, a replay of this one meters it)";

    private static string Text(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads the group's days, lets <paramref name="change"/> change them (it returns what to record once they are
    /// written) and writes the changed rows back; on 409/412 (another writer) reads and changes again. Rows storage refuses
    /// go to <paramref name="refused"/>, with why.
    /// </summary>
    private async Task UpdateAsync(string partitionKey, List<PendingFact> group, LeaseClaimLog log, ConcurrentBag<LeaseDayNotice> refused,
        Func<Dictionary<DateOnly, LeaseDay>, Action> change, CancellationToken cancellationToken)
    {
        var days = group.SelectMany(p => Days(p.Fact)).Distinct().Order().ToList();
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var read = await ReadAsync(partitionKey, days, cancellationToken).ConfigureAwait(false);
            log.Counted(1);
            var record = change(read);
            var changed = read.Values.SelectMany(d => d.Rows).Where(r => r.Changed && r.Readable).ToList();
            try
            {
                log.Counted(await WriteAsync(partitionKey, changed, cancellationToken).ConfigureAwait(false));
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another instance changed a row: decide again on what it wrote, after a jittered pause so instances metering
                // one hot lease at once do not collide again in step.
                await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (RequestFailedException ex) when (StorageFailure.IsDeterministic(ex))
            {
                var f = group[0].Fact;
                foreach (var row in changed)
                {
                    refused.Add(new LeaseDayNotice(f.Source, f.Lease!, row.Day, StorageFailure.Describe(ex)));
                }
            }

            record();
            return;
        }

        throw new RequestFailedException(503, $"the interval claims of partition '{partitionKey}' kept changing under concurrent writers; retry the batch");
    }

    /// <summary>Up to 10 ms × 2^attempt, jittered, at most 640 ms (the last of <see cref="MaxAttempts"/> tries waits none).</summary>
    private static TimeSpan Backoff(int attempt) =>
        attempt >= MaxAttempts ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 << Math.Min(attempt, 6)));

    /// <summary>
    /// The group's days, read with one range query over the row keys from its first day's first row to (not including)
    /// the day after its last, so the last day's further rows are read too: a filter naming each day would pass the
    /// service's 15 comparisons a filter for a lease backfilled over more days (Azurite does not enforce it). Rows of days
    /// between them that no event touches, and keys this platform does not write, are read and ignored.
    /// </summary>
    private async Task<Dictionary<DateOnly, LeaseDay>> ReadAsync(string partitionKey, List<DateOnly> days, CancellationToken cancellationToken)
    {
        var read = days.ToDictionary(d => d, d => new LeaseDay(d));
        string first = LeaseDayRow.RowKey(days[0]), after = LeaseDayRow.RowKey(days[^1].AddDays(1));
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {first} and RowKey lt {after}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (LeaseDayRow.TryParseRowKey(row.RowKey, out var day, out int part) && read.TryGetValue(day, out var leaseDay))
            {
                leaseDay.Put(LeaseDayRow.Read(day, part, row));
            }
        }

        return read;
    }

    /// <summary>Writes the rows in as few transactions as their size allows; returns how many.</summary>
    private async Task<int> WriteAsync(string partitionKey, List<LeaseDayRow> rows, CancellationToken cancellationToken)
    {
        int transactions = 0;
        var actions = new List<TableTransactionAction>();
        long bytes = 0;
        foreach (var row in rows)
        {
            if (actions.Count > 0 && (actions.Count == FactPartitionWriter.MaxOperations || bytes + row.WireBytes > FactStore.TransactionBudgetBytes))
            {
                await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                transactions++;
                actions = [];
                bytes = 0;
            }

            actions.Add(row.Action(partitionKey));
            bytes += row.WireBytes;
        }

        if (actions.Count > 0)
        {
            await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            transactions++;
        }

        return transactions;
    }
}
