namespace Billing.Storage;

/// <summary>The compute intervals facts claim for their lease (<see cref="LeaseIntervalClaims"/>), and transaction splitting.</summary>
public sealed partial class FactStore
{
    private LeaseIntervalClaims? leaseClaims;

    private LeaseIntervalClaims LeaseClaims => leaseClaims ??= new LeaseIntervalClaims(table, parallelism);

    /// <summary>
    /// The facts whose (source, id) was claimed (<paramref name="claimed"/>, any order), in batch order (that of
    /// <paramref name="batch"/>), less those whose compute interval overlaps another event's claimed first.
    /// </summary>
    private async Task<List<PendingFact>> ClaimIntervalsAsync(List<PendingFact> batch, List<PendingFact> claimed, LeaseClaimLog log, CancellationToken cancellationToken)
    {
        if (!claimed.Exists(p => LeaseIntervalClaims.Applies(p.Fact)))
        {
            return claimed; // no compute usage: not a storage call more
        }

        var order = new Dictionary<PendingFact, int>(batch.Count, ReferenceEqualityComparer.Instance);
        for (int i = 0; i < batch.Count; i++)
        {
            order[batch[i]] = i;
        }

        var kept = await LeaseClaims.ClaimAsync([.. claimed.OrderBy(p => order[p])], log, cancellationToken).ConfigureAwait(false);
        await DropStoredOverlapsAsync(log, cancellationToken).ConfigureAwait(false);
        return kept;
    }

    /// <summary>
    /// Overlapping facts whose fact is stored already are redeliveries, counted as duplicates and never set aside: an event
    /// metered before its lease's intervals were claimed (before 2026-12) beside another of its interval. One read an overlap.
    /// </summary>
    private async Task DropStoredOverlapsAsync(LeaseClaimLog log, CancellationToken cancellationToken)
    {
        if (log.Overlaps.IsEmpty)
        {
            return;
        }

        var overlaps = log.Overlaps.ToArray();
        var stored = new TableEntity?[overlaps.Length];
        // As many reads at once as this store's other writes and reads, not one an overlap: a batch of resends has hundreds.
        await Parallel.ForEachAsync(Enumerable.Range(0, overlaps.Length), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var f = overlaps[i].Fact;
                stored[i] = await ReadIdentityAsync(table, PartitionKey(f.Fact.Payer, f.Fact.Source, f.Fact.Id), f, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
        log.Overlaps.Clear();
        for (int i = 0; i < overlaps.Length; i++)
        {
            if (stored[i] is { } row && EntityText.Of(row, "Hash") == overlaps[i].Fact.Fact.ContentHash)
            {
                log.Duplicate();
            }
            else
            {
                log.Overlaps.Add(overlaps[i]); // a stored version with other content is the payer partition's conflict, left to the write
            }
        }
    }

    /// <summary>Releases the intervals of facts that claimed one but were not written (set aside after all).</summary>
    private async Task ReleaseIntervalsAsync(LeaseClaimLog log, IEnumerable<PendingFact> notWritten, CancellationToken cancellationToken)
    {
        if (log.Kept.IsEmpty)
        {
            return;
        }

        var release = notWritten.Where(log.Kept.ContainsKey).Distinct(ReferenceEqualityComparer.Instance).Cast<PendingFact>().ToList();
        if (release.Count > 0)
        {
            await LeaseClaims.ReleaseAsync(release, log, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Releases the lease intervals that compute events refused before their append (<paramref name="refused"/>: invalid on
    /// this try, <c>EventValidationResult.Refused</c>) may hold from an earlier try that was valid, whose batch failed after
    /// its claims: an event whose (source, id) claim holds its content and whose fact is not stored. Another version's
    /// claim of the id, or a stored fact, keeps its interval. Returns the lease days whose release storage refused.
    /// No storage call for other types; two reads an event otherwise, and the release when one is held.
    /// </summary>
    public async Task<IReadOnlyList<LeaseDayNotice>> ReleaseRefusedAsync(IReadOnlyList<UsageFact> refused, CancellationToken cancellationToken)
    {
        var compute = refused.Where(LeaseIntervalClaims.Applies).Select(f => new PendingFact(f, "")).ToList();
        if (compute.Count == 0)
        {
            return [];
        }

        var held = new ConcurrentBag<PendingFact>();
        await Parallel.ForEachAsync(compute, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (p, ct) =>
        {
            var f = p.Fact;
            var claim = await ReadIdentityAsync(table, ClaimPartitionKey(f.Source, Shard(f.Source, f.Id)), p, ct).ConfigureAwait(false);
            if (claim is null || EntityText.Of(claim, "Hash") != f.ContentHash)
            {
                return; // never claimed, or the id is another version's (its interval is that version's)
            }

            var stored = await ReadIdentityAsync(table, PartitionKey(f.Payer, f.Source, f.Id), p, ct).ConfigureAwait(false);
            if (stored is null || EntityText.Of(stored, "Hash") != f.ContentHash)
            {
                held.Add(p); // metered nowhere: its claim would block its interval for good
            }
        }).ConfigureAwait(false);
        if (held.IsEmpty)
        {
            return [];
        }

        var log = new LeaseClaimLog();
        await LeaseClaims.ReleaseAsync([.. held], log, cancellationToken).ConfigureAwait(false);
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
