namespace Billing.Storage;

/// <summary>The windows facts claim for their usage key (<see cref="IntervalClaims"/>: compute leases, carrier sessions), and transaction splitting.</summary>
public sealed partial class FactStore
{
    private IntervalClaims[]? intervalClaims;

    /// <summary>One claim store a usage key: a fact applies to one at most.</summary>
    private IntervalClaims[] Claims => intervalClaims ??= [new(table, parallelism, LeaseUsageKey.Instance), new(table, parallelism, SessionUsageKey.Instance)];

    private static bool ClaimsWindow(UsageFact fact) => LeaseUsageKey.Instance.Applies(fact) || SessionUsageKey.Instance.Applies(fact);

    /// <summary>
    /// The facts that may be written (<paramref name="writable"/>, any order), in batch order (that of
    /// <paramref name="batch"/>), less those whose window overlaps another event's claimed first; an overlapping fact
    /// found stored with other content is a conflict (<paramref name="conflicts"/>: the stored version counts).
    /// </summary>
    private async Task<List<PendingFact>> ClaimWindowsAsync(IReadOnlyList<PendingFact> batch, List<PendingFact> writable, ClaimLog log,
        ConcurrentBag<FactConflict> conflicts, CancellationToken cancellationToken)
    {
        if (!writable.Exists(p => ClaimsWindow(p.Fact)))
        {
            return writable; // no compute usage or carrier session: not a storage call more
        }

        var order = new Dictionary<PendingFact, int>(batch.Count, ReferenceEqualityComparer.Instance);
        for (int i = 0; i < batch.Count; i++)
        {
            order.TryAdd(batch[i], i);
        }

        List<PendingFact> kept = [.. writable.OrderBy(p => order[p])];
        foreach (var claims in Claims)
        {
            kept = await claims.ClaimAsync(kept, log, cancellationToken).ConfigureAwait(false);
        }

        await DropStoredOverlapsAsync(log, conflicts, cancellationToken).ConfigureAwait(false);
        return kept;
    }

    /// <summary>
    /// Facts set aside by their usage key's claims (an overlap, an unreadable claim row) whose fact is stored already are
    /// redeliveries, counted as duplicates and never set aside: an event metered before its usage key claimed windows (before
    /// 2026-12) beside another of its window, or before a row of its slot was changed outside the platform. One stored with
    /// other content is a conflict (an id's other version, which holds the window or was metered before claims). One read a
    /// fact set aside.
    /// </summary>
    private async Task DropStoredOverlapsAsync(ClaimLog log, ConcurrentBag<FactConflict> conflicts, CancellationToken cancellationToken)
    {
        await DropStoredAsync(log.Overlaps, log, conflicts, cancellationToken).ConfigureAwait(false);
        await DropStoredAsync(log.Unreadable, log, conflicts, cancellationToken).ConfigureAwait(false);
    }

    private async Task DropStoredAsync(ConcurrentBag<UnstorableFact> setAside, ClaimLog log, ConcurrentBag<FactConflict> conflicts, CancellationToken cancellationToken)
    {
        if (setAside.IsEmpty)
        {
            return;
        }

        var overlaps = setAside.ToArray();
        var stored = new TableEntity?[overlaps.Length];
        // As many reads at once as this store's other writes and reads, not one an overlap: a batch of resends has hundreds.
        await Parallel.ForEachAsync(Enumerable.Range(0, overlaps.Length), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var f = overlaps[i].Fact;
                stored[i] = await ReadIdentityAsync(table, PartitionKey(f.Fact.Payer, f.Fact.Source, f.Fact.Id), f, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
        setAside.Clear();
        for (int i = 0; i < overlaps.Length; i++)
        {
            if (stored[i] is not { } row)
            {
                setAside.Add(overlaps[i]);
            }
            else if (IsRedelivery(overlaps[i].Fact, row, conflicts))
            {
                log.Duplicate();
            }
        }
    }

    /// <summary>
    /// Releases the windows of facts that claimed one but were not written (set aside after all), and restores the claims
    /// of the facts written (<see cref="IntervalClaims.RestoreAsync"/>): another instance may have released one of them
    /// meanwhile, refusing or not writing the same event (see <see cref="ReleaseCheckedAsync"/>). A conflict found at the
    /// write releases only a window this append recorded, unless its id was claimed: the window under an unclaimed id may
    /// be the stored version's.
    /// </summary>
    private async Task SettleWindowsAsync(ClaimLog log, IReadOnlyCollection<FactConflict> conflicts, IEnumerable<PendingFact> notWritten, CancellationToken cancellationToken)
    {
        if (log.Kept.IsEmpty)
        {
            return;
        }

        var unwritten = conflicts.Select(c => c.Incoming).Concat(notWritten).ToHashSet(ReferenceEqualityComparer.Instance);
        var release = conflicts.Select(c => c.Incoming).Where(p => NeedsClaim(p.Fact) || log.Added.ContainsKey(p)).Concat(notWritten)
            .Where(log.Kept.ContainsKey).Distinct(ReferenceEqualityComparer.Instance).Cast<PendingFact>().ToList();
        if (release.Count > 0)
        {
            await ReleaseCheckedAsync(release, log, cancellationToken).ConfigureAwait(false);
        }

        var written = log.Kept.Keys.Where(p => !unwritten.Contains(p)).ToList();
        if (written.Count > 0)
        {
            foreach (var claims in Claims.Where(c => c.ChecksAfterWrite))
            {
                await claims.RestoreAsync(written, log, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Releases the windows of <paramref name="facts"/>, then reads their facts: one stored meanwhile with its content
    /// (another instance accepted and wrote the same event while this one refused or did not write it) gets its claim back,
    /// so a stored fact never stands without its claim. The writer reads its claims after its write
    /// (<see cref="SettleWindowsAsync"/>): whichever reads last sees the other's write.
    /// </summary>
    private async Task ReleaseCheckedAsync(List<PendingFact> facts, ClaimLog log, CancellationToken cancellationToken)
    {
        foreach (var claims in Claims)
        {
            await claims.ReleaseAsync(facts, log, cancellationToken).ConfigureAwait(false);
        }

        var stored = new bool[facts.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, facts.Count), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var f = facts[i].Fact;
                stored[i] = await ReadIdentityAsync(table, PartitionKey(f.Payer, f.Source, f.Id), facts[i], ct).ConfigureAwait(false) is { } row
                    && EntityText.Of(row, "Hash") == f.ContentHash;
            }).ConfigureAwait(false);
        var restore = facts.Where((_, i) => stored[i]).ToList();
        if (restore.Count > 0)
        {
            foreach (var claims in Claims)
            {
                await claims.RestoreAsync(restore, log, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Releases the windows that events refused before their append (<paramref name="refused"/>: invalid on this try,
    /// <c>EventValidationResult.Refused</c>) may hold from an earlier try that was valid, whose batch failed after its
    /// claims: an event whose fact is not stored and, when its id is claimed, whose (source, id) claim holds its content.
    /// Another version's claim of the id, or a stored fact (of any version: an unclaimed id's window is the stored one's),
    /// keeps its window; so does a fact another instance stores while this one releases it (<see cref="ReleaseCheckedAsync"/>).
    /// Returns the slots whose release storage refused. No storage call for other types; one read an
    /// event (two when its id is claimed), and the release and a read when one is held.
    /// </summary>
    public async Task<IReadOnlyList<ClaimNotice>> ReleaseRefusedAsync(IReadOnlyList<UsageFact> refused, CancellationToken cancellationToken)
    {
        var windowed = refused.Where(ClaimsWindow).Select(f => new PendingFact(f, "")).ToList();
        if (windowed.Count == 0)
        {
            return [];
        }

        var held = new ConcurrentBag<PendingFact>();
        await Parallel.ForEachAsync(windowed, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (p, ct) =>
        {
            var f = p.Fact;
            bool idClaimed = NeedsClaim(f);
            if (idClaimed)
            {
                var claim = await ReadIdentityAsync(table, ClaimPartitionKey(f.Source, Shard(f.Source, f.Id)), p, ct).ConfigureAwait(false);
                if (claim is null || EntityText.Of(claim, "Hash") != f.ContentHash)
                {
                    return; // never claimed, or the id is another version's (its window is that version's)
                }
            }

            var stored = await ReadIdentityAsync(table, PartitionKey(f.Payer, f.Source, f.Id), p, ct).ConfigureAwait(false);
            if (stored is null || (idClaimed && EntityText.Of(stored, "Hash") != f.ContentHash))
            {
                held.Add(p); // metered nowhere: its claim would block its window for good
            }
        }).ConfigureAwait(false);
        if (held.IsEmpty)
        {
            return [];
        }

        var log = new ClaimLog();
        await ReleaseCheckedAsync([.. held], log, cancellationToken).ConfigureAwait(false);
        return [.. log.ReleaseFailures];
    }

    /// <summary>Splits one partition's events into transactions of at most <paramref name="maxEvents"/> events and <see cref="TransactionBudgetBytes"/>.</summary>
    private static IEnumerable<PendingFact[]> Transactions(IEnumerable<PendingFact> facts, int maxEvents)
    {
        var current = new List<PendingFact>(maxEvents);
        long bytes = 0;
        foreach (var p in facts)
        {
            long size = WireBytes(p);
            if (current.Count > 0 && (current.Count == maxEvents || bytes + size > TransactionBudgetBytes))
            {
                yield return [.. current];
                current.Clear();
                bytes = 0;
            }

            current.Add(p);
            bytes += size;
        }

        if (current.Count > 0)
        {
            yield return [.. current];
        }
    }
}
