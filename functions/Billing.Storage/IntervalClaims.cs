namespace Billing.Storage;

/// <summary>
/// Bills one usage once whatever ids it is sent under (docs/contract.md §3): for one usage key (a compute lease and GPU
/// model, a carrier session: <see cref="UsageKey"/>) the windows <c>[start, end)</c> of its events describe one usage over
/// time, so an event whose window overlaps the window another event (another id) claimed first is set aside
/// (<see cref="AppendResult.Overlaps"/>). Adjacent windows do not overlap; equal zero-length ones do
/// (<see cref="ClaimedInterval.Covers"/>); an event's own claim (a redelivery) never blocks it.
/// <para>A batch's facts are grouped by their key's partition; each group reads its slots' rows (as its key reads them, or
/// not at all on an <see cref="UsageKey.Optimistic"/> first try), decides its events in batch order (the first sent wins)
/// and writes the rows it changed in entity-group transactions (100 rows and the byte budget each), an insert for a new
/// row and an ETag-conditioned replace otherwise, so concurrent metering instances serialize: on 409/412 the group pauses
/// (jittered), reads again and decides again, up to <see cref="MaxAttempts"/> times, then fails as transient (the batch is
/// redelivered). A fact that was kept but not written after all (over its month limit, refused, a conflict) is released,
/// so it does not block its window; releasing again (a redelivery) changes nothing.</para>
/// <para>Capacity: a slot whose rows are full is still checked against but records nothing more: such an event is metered
/// without a claim (any valid event stays billable), reported once (<see cref="AppendResult.ClaimNotices"/>). A row storage
/// refuses is reported and its events metered the same way.</para>
/// <para>A slot with a row this platform did not write (<see cref="ClaimRow.Readable"/>: planted, or changed outside it) is
/// checked against as far as it reads, never written, and records nothing: an event of it that is not its own redelivery
/// nor an overlap is set aside as unstorable naming the row (<see cref="ClaimLog.Unreadable"/>), so it is neither billed
/// unchecked (twice, when the row held its window) nor lost: it is replayed once the row is repaired.</para>
/// <para>Releases race with writers of the same fact: an instance that releases a fact's claim (it refused the event, or
/// did not write it) while another writes that fact must not leave the stored fact without its claim. Each side writes,
/// then reads what the other writes: a releaser reads the fact after its release and restores the claim of a fact now
/// stored; a writer reads its facts' claims after writing them (<see cref="RestoreAsync"/>) and restores any released
/// meanwhile. Storage is strongly consistent, so at least one of the two sees the other's write.</para>
/// </summary>
internal sealed class IntervalClaims(TableClient table, int parallelism, UsageKey usage)
{
    /// <summary>Tries of one group's claims against concurrent writers before the batch fails as transient.</summary>
    public const int MaxAttempts = 8;

    public UsageKey Usage => usage;

    /// <summary>
    /// Claims the windows of the facts that apply, in the order given (the batch's: the first sent wins); returns the facts
    /// that may be written: those that do not apply, and those whose window is theirs. The others are in <paramref name="log"/>.
    /// </summary>
    public async Task<List<PendingFact>> ClaimAsync(IReadOnlyList<PendingFact> facts, ClaimLog log, CancellationToken cancellationToken)
    {
        var groups = facts.Where(p => usage.Applies(p.Fact)).GroupBy(p => usage.PartitionKey(p.Fact)).ToList();
        if (groups.Count == 0)
        {
            return [.. facts];
        }

        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (group, ct) => await ClaimGroupAsync(group.Key, [.. group], log, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return facts.Where(p => !usage.Applies(p.Fact) || log.Kept.ContainsKey(p)).ToList();
    }

    /// <summary>Releases the windows of facts that were kept but not written (safe to repeat: a released window is simply absent).</summary>
    public async Task ReleaseAsync(IEnumerable<PendingFact> facts, ClaimLog log, CancellationToken cancellationToken)
    {
        // Every row read: a window of the key that another version of the event claimed elsewhere goes too (releases are rare).
        // A key of the earlier layout goes too: this version may be the one it stands for (and another version of the id
        // claims under its own key since).
        await EachFactAsync(facts, log, log.ReleaseFailures, filtered: false, (p, slots) =>
        {
            string key = usage.ClaimKey(p.Fact);
            string? earlier = usage.EarlierClaimKey(p.Fact);
            foreach (string slot in usage.Slots(p.Fact))
            {
                slots[slot].Remove(key);
                if (earlier is not null)
                {
                    slots[slot].Remove(earlier);
                }
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether a writer reads its facts' claims after writing them (<see cref="RestoreAsync"/>). Not for a key written blind
    /// (<see cref="UsageKey.Optimistic"/>, carrier sessions): that read would cost one point read a session on the busiest
    /// path, against a race that needs one event in flight on two instances that disagree on whether it is valid (their
    /// cached partner data differ). The releaser's read after its release still covers the other order.
    /// </summary>
    public bool ChecksAfterWrite => !usage.Optimistic;

    /// <summary>
    /// Records again the windows of stored facts whose claim is missing (released meanwhile by an instance that refused or
    /// did not write them), where the slot has room; a claim held, or a slot that records nothing more, is left as it is.
    /// One read of the group's slots (as the key reads them, never blind), and a write only when a claim was missing.
    /// </summary>
    public async Task RestoreAsync(IEnumerable<PendingFact> facts, ClaimLog log, CancellationToken cancellationToken)
    {
        // The rows the windows can touch (after every write of a lease's claims): those that hold them, and those with room.
        await EachFactAsync(facts, log, log.Notices, filtered: true, (p, slots) =>
        {
            var (start, end) = usage.Window(p.Fact);
            var interval = new ClaimedInterval(start, end, usage.ClaimKey(p.Fact));
            foreach (var slot in usage.Slots(p.Fact).Select(s => slots[s]).Where(slot => !usage.HoldsOwn(slot, p.Fact) && slot.HasRoom(interval)))
            {
                slot.Add(interval);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Changes the slots of each of <paramref name="facts"/> this key applies to, a partition's group at a time (read, changed,
    /// written back under ETags; never blind): the frame of a release and a restore, which record nothing but their notices.
    /// </summary>
    private Task EachFactAsync(IEnumerable<PendingFact> facts, ClaimLog log, ConcurrentBag<ClaimNotice> notices, bool filtered,
        Action<PendingFact, Dictionary<string, ClaimSlot>> change, CancellationToken cancellationToken)
    {
        var groups = facts.Where(p => usage.Applies(p.Fact)).GroupBy(p => usage.PartitionKey(p.Fact)).ToList();
        return Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (group, ct) =>
            await UpdateAsync(group.Key, [.. group], log, notices, optimistic: false, filtered, (slots, _) =>
            {
                foreach (var p in group)
                {
                    change(p, slots);
                }

                return () => { };
            }, ct).ConfigureAwait(false));
    }

    private Task ClaimGroupAsync(string partitionKey, List<PendingFact> group, ClaimLog log, CancellationToken cancellationToken) =>
        UpdateAsync(partitionKey, group, log, log.Notices, usage.Optimistic, filtered: true, (slots, committed) =>
        {
            var decided = new Decisions();
            foreach (var p in group)
            {
                Decide(p, slots, committed, decided);
            }

            return () =>
            {
                foreach (var p in decided.Kept)
                {
                    log.Kept[p] = true;
                }

                foreach (var p in decided.Added)
                {
                    log.Added[p] = true;
                }

                foreach (var o in decided.Overlaps)
                {
                    log.Overlaps.Add(o);
                }

                foreach (var u in decided.Unreadable)
                {
                    log.Unreadable.Add(u);
                }

                foreach (var n in decided.Notices)
                {
                    log.Notices.Add(n);
                }
            };
        }, cancellationToken);

    /// <summary>
    /// One event against its slots as they stand (earlier events of the batch included). <paramref name="committed"/>: the
    /// (slot, key) windows an earlier try of this append recorded (its transaction committed though another failed).
    /// </summary>
    private void Decide(PendingFact pending, Dictionary<string, ClaimSlot> slots, IReadOnlySet<(string Slot, string Key)> committed, Decisions decided)
    {
        var f = pending.Fact;
        string key = usage.ClaimKey(f);
        var (start, end) = usage.Window(f);
        var interval = new ClaimedInterval(start, end, key);
        var touched = usage.Slots(f).Select(s => slots[s]).ToList();
        if (touched.TrueForAll(slot => usage.HoldsOwn(slot, f)))
        {
            decided.Kept.Add(pending); // its own claim: a redelivery, or a replay of an event metered since
            if (touched.Exists(slot => committed.Contains((slot.Slot, key))))
            {
                // Or this append's own, from a try that partly committed: recorded here, so released should its fact not be
                // written (another version of its id is stored), rather than left claiming a window nobody billed.
                decided.Added.Add(pending);
            }

            return;
        }

        foreach (var slot in touched)
        {
            if (slot.FirstOverlap(interval.StartTicks, interval.EndTicks, key) is { } other)
            {
                foreach (var own in touched)
                {
                    own.Remove(key); // part of its claim an earlier try left: it does not hold the window
                }

                decided.Overlaps.Add(new UnstorableFact(pending, usage.Reason(f, other)));
                return;
            }
        }

        if (touched.Find(slot => slot.Unreadable is not null) is { Unreadable: { } row })
        {
            // Not recorded, nor metered unchecked: that row may hold this window for another event. Whatever part of its
            // claim an earlier try left stays (should its fact be stored, a redelivery is a duplicate: FactStore).
            decided.Unreadable.Add(new UnstorableFact(pending, UnreadableReason(usage.PartitionKey(f), row)));
            return;
        }

        decided.Kept.Add(pending);
        if (touched.Find(slot => !usage.HoldsOwn(slot, f) && !slot.HasRoom(interval)) is { } full)
        {
            if (full.Full() is { } reason)
            {
                decided.Notices.Add(new ClaimNotice(f.Source, usage.Describe(f, full.Slot), reason));
            }

            return;
        }

        decided.Added.Add(pending);
        foreach (var slot in touched.Where(slot => !usage.HoldsOwn(slot, f)))
        {
            slot.Add(interval);
        }
    }

    private static string UnreadableReason(string partitionKey, ClaimRow row) =>
        $"claim row '{ClaimRow.RowKey(row.Slot, row.Part)}' (partition '{partitionKey}' of the facts table) holds what this platform does not write, " +
        "so the event's window can be neither checked against the other windows of its usage nor recorded, and the event was not metered " +
        "(it could bill usage twice). Repair or remove that row, then replay the event";

    /// <summary>
    /// Reads the group's slots (none on an optimistic first try: they start empty), lets <paramref name="change"/> change
    /// them (it returns what to record once they are written) and writes the changed rows back; on 409/412 (another writer,
    /// or a row the optimistic try did not know) reads and changes again, told which windows earlier tries recorded after
    /// all (a try's transactions go out at once: some may commit while another fails). <paramref name="filtered"/>: the first
    /// read takes only the rows the group's windows can touch (a claim, a restore; a release reads every row, so a window
    /// of the same key elsewhere is released too). Rows storage refuses go to <paramref name="refused"/>, with why.
    /// </summary>
    private async Task UpdateAsync(string partitionKey, List<PendingFact> group, ClaimLog log, ConcurrentBag<ClaimNotice> refused, bool optimistic, bool filtered,
        Func<Dictionary<string, ClaimSlot>, IReadOnlySet<(string Slot, string Key)>, Action> change, CancellationToken cancellationToken)
    {
        var slots = group.SelectMany(p => usage.Slots(p.Fact)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var committed = new HashSet<(string Slot, string Key)>();
        var windows = group.Select(p => usage.Window(p.Fact)).ToList();
        (long, long) span = (windows.Min(w => w.Start), windows.Max(w => w.End));
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            bool blind = optimistic && attempt == 1;
            Dictionary<string, ClaimSlot> read;
            if (blind)
            {
                read = slots.ToDictionary(s => s, usage.NewSlot, StringComparer.Ordinal);
            }
            else
            {
                // The first read takes only the rows the group's windows can touch; after a conflict, every row (a part the
                // filter left out may be the one the write took to be free).
                read = await usage.ReadAsync(table, partitionKey, slots, filtered && attempt == 1 ? span : null, cancellationToken).ConfigureAwait(false);
                log.Counted(usage.Reads(slots.Count));
            }

            var record = change(read, committed);
            var changed = read.Values.SelectMany(d => d.Rows).Where(r => r.Changed && r.Readable).ToList();
            try
            {
                log.Counted(await WriteAsync(partitionKey, changed, committed, cancellationToken).ConfigureAwait(false));
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another instance changed a row (or the blind try met one that exists): decide again on what is there, after
                // a jittered pause (none after a blind try) so instances metering one hot key at once do not collide again in step.
                await Task.Delay(blind ? TimeSpan.Zero : Backoff(attempt), cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (RequestFailedException ex) when (StorageFailure.IsDeterministic(ex))
            {
                if (blind)
                {
                    // The blind try decided as if every row were empty, and its transactions went out at once: another of them
                    // may have met an existing row (409) behind this refusal. Recording those decisions would keep a resent
                    // session unchecked; decide again on what is there.
                    continue;
                }

                var f = group[0].Fact;
                foreach (var row in changed)
                {
                    refused.Add(new ClaimNotice(f.Source, usage.Describe(f, row.Slot), StorageFailure.Describe(ex)));
                }
            }

            record();
            return;
        }

        throw new RequestFailedException(503, $"the claims of partition '{partitionKey}' kept changing under concurrent writers; retry the batch");
    }

    /// <summary>Up to 10 ms × 2^attempt, jittered, at most 640 ms (the last of <see cref="MaxAttempts"/> tries waits none).</summary>
    private static TimeSpan Backoff(int attempt) =>
        attempt >= MaxAttempts ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 << Math.Min(attempt, 6)));

    /// <summary>
    /// Writes the rows in as few transactions as their count (100) and size allow, at once; returns how many. A failed
    /// transaction fails the call (409/412: the caller decides again on what is there); the windows added to the rows of
    /// those that committed go to <paramref name="committed"/>.
    /// </summary>
    private async Task<int> WriteAsync(string partitionKey, List<ClaimRow> rows, HashSet<(string Slot, string Key)> committed, CancellationToken cancellationToken)
    {
        var transactions = new List<List<ClaimRow>>();
        var current = new List<ClaimRow>();
        long bytes = 0;
        foreach (var row in rows)
        {
            if (current.Count > 0 && (current.Count == FactPartitionWriter.MaxOperations || bytes + row.WireBytes > FactStore.TransactionBudgetBytes))
            {
                transactions.Add(current);
                current = [];
                bytes = 0;
            }

            current.Add(row);
            bytes += row.WireBytes;
        }

        if (current.Count > 0)
        {
            transactions.Add(current);
        }

        // At once (a batch of 1,000 new sessions is 10 transactions), each to its end: the first failure in row order is what the caller sees.
        var sent = transactions.Select(t => table.SubmitTransactionAsync(t.Select(r => r.Action(partitionKey, usage.FiltersReads)), cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(sent).ConfigureAwait(false);
        }
        finally
        {
            for (int i = 0; i < sent.Count; i++)
            {
                if (sent[i].IsCompletedSuccessfully)
                {
                    committed.UnionWith(transactions[i].SelectMany(r => r.AddedKeys.Select(k => (r.Slot, k))));
                }
            }
        }

        return transactions.Count;
    }

    /// <summary>What one try decided for a group, recorded once its rows are written.</summary>
    private sealed class Decisions
    {
        public List<PendingFact> Kept { get; } = [];

        public List<PendingFact> Added { get; } = [];

        public List<UnstorableFact> Overlaps { get; } = [];

        public List<UnstorableFact> Unreadable { get; } = [];

        public List<ClaimNotice> Notices { get; } = [];
    }
}
