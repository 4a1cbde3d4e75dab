namespace Billing.Application.Rollups;

/// <summary>
/// Facts are the source of truth (docs/design.md §6): <see cref="VerifyAsync"/> recomputes a payer's hour, day and month
/// buckets of one month and its UNIQUE_COUNT markers (§6.1) from its facts and lists every row that differs; <see cref="RebuildAsync"/> writes the
/// recomputation over them. A rebuild is safe while metering runs: each row is written under the ETag it was read with before
/// the recomputation read the facts, so a writer that counted a new fact meanwhile makes it recompute and try again.
/// <para>A fact row this platform did not write (a value of the wrong type planted in storage) is money that does not
/// reconcile: verify reports it (kind <c>unreadable</c>) and compares the rest of the month without it; rebuild refuses
/// its shard's month (<see cref="InvalidDataException"/>) rather than write rollups that silently drop it.</para>
/// </summary>
public sealed class RollupMaintenance(FactStore facts)
{
    /// <summary>Rebuild passes over a shard before giving up on a writer that keeps adding facts to it.</summary>
    private const int MaxRebuildPasses = 5;

    private readonly RollupStore rollups = facts.Rollups;

    public async Task<RollupVerification> VerifyAsync(string payer, BillingPeriod month, CancellationToken cancellationToken)
    {
        var shards = await Task.WhenAll(Enumerable.Range(0, rollups.Shards).Select(shard => VerifyShardAsync(payer, shard, month, cancellationToken))).ConfigureAwait(false);
        return new RollupVerification(payer, month, shards.Sum(s => s.Facts), shards.Sum(s => s.Buckets), [.. shards.SelectMany(s => s.Differences)]);
    }

    public async Task<RollupRebuild> RebuildAsync(string payer, BillingPeriod month, CancellationToken cancellationToken)
    {
        var shards = await Task.WhenAll(Enumerable.Range(0, rollups.Shards).Select(shard => RebuildShardAsync(payer, shard, month, cancellationToken))).ConfigureAwait(false);
        return new RollupRebuild(payer, month, shards.Sum(s => s.Facts), shards.Sum(s => s.Buckets), shards.Sum(s => s.Changed));
    }

    private async Task<(long Facts, int Buckets, int Changed)> RebuildShardAsync(string payer, int shard, BillingPeriod month, CancellationToken cancellationToken)
    {
        for (int pass = 1; ; pass++)
        {
            // The rows first, then the facts: a fact counted after this read changes the ETags the writes are guarded by.
            var stored = await rollups.ReadShardAsync(payer, shard, month.Start, month.End, cancellationToken).ConfigureAwait(false);
            var (count, expected, markers, unreadable) = await RecomputeAsync(payer, shard, month, cancellationToken).ConfigureAwait(false);
            if (unreadable.Count > 0)
            {
                throw new InvalidDataException(
                    $"the rollups of {payer} for {month}, shard {shard}, were not rebuilt: {unreadable.Count} fact row(s) cannot be read, and rollups " +
                    $"without them would drop usage; `billing rollups verify` lists them. First: {unreadable[0].Unreadable!.Message}");
            }

            try
            {
                int changed = await rollups.ReplaceAsync(payer, shard, stored, expected.Values, markers.Values, cancellationToken).ConfigureAwait(false);
                return (count, expected.Count, changed);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && pass < MaxRebuildPasses)
            {
                // a writer counted a fact after the recomputation read the facts: recompute with it
            }
        }
    }

    private async Task<(long Facts, int Buckets, List<RollupDifference> Differences)> VerifyShardAsync(string payer, int shard, BillingPeriod month, CancellationToken cancellationToken)
    {
        var (count, expected, markers, unreadable) = await RecomputeAsync(payer, shard, month, cancellationToken).ConfigureAwait(false);
        int buckets = expected.Count;
        var differences = unreadable.Select(u => new RollupDifference(shard, u.RowKey, "unreadable",
            $"{u.Unreadable!.Message}. It is left out of this comparison, so the rollups of its hour, day and month may differ from the facts too")).ToList();
        var rows = await rollups.ReadShardAsync(payer, shard, month.Start, month.End, cancellationToken).ConfigureAwait(false);
        foreach (var (stored, _) in rows.Buckets)
        {
            string rk = RollupCodec.RowKey(stored.Grain, stored.Start);
            if (!expected.Remove(rk, out var want))
            {
                differences.Add(new RollupDifference(shard, rk, "extra", $"a {stored.Grain} bucket with {stored.Count} group(s) where the facts have none"));
            }
            else if (want.Detail != stored.Detail || !want.SameSums(stored))
            {
                differences.Add(new RollupDifference(shard, rk, "different", Describe(stored, want)));
            }
        }

        differences.AddRange(expected.Select(kv => new RollupDifference(shard, kv.Key, "missing", $"the facts have {kv.Value.Count} group(s) here")));
        foreach (var (rk, marker, _) in rows.Markers)
        {
            if (!markers.Remove(rk))
            {
                differences.Add(new RollupDifference(shard, rk, "extra", "a UNIQUE_COUNT marker no fact of the shard carries"));
            }
            else if (marker is null)
            {
                differences.Add(new RollupDifference(shard, rk, "different", "a UNIQUE_COUNT marker whose properties do not match its key"));
            }
        }

        differences.AddRange(markers.Select(kv => new RollupDifference(shard, kv.Key, "missing",
            $"the facts carry {kv.Value.Meter} value '{kv.Value.Value}' from {kv.Value.Source} without its marker")));
        return (count, buckets, differences);
    }

    /// <summary>
    /// The shard's buckets of every grain in the month and its UNIQUE_COUNT markers, from its facts (normalized as
    /// writing them would): each distinct marker counted once in the month bucket. Fact rows that cannot be read are
    /// left out and returned, for the caller to report or refuse.
    /// </summary>
    private async Task<(long Facts, Dictionary<string, RollupBucket> Buckets, Dictionary<string, UniqueMarker> Markers, List<FactRowRead> Unreadable)> RecomputeAsync(
        string payer, int shard, BillingPeriod month, CancellationToken cancellationToken)
    {
        var buckets = new Dictionary<string, RollupBucket>(StringComparer.Ordinal);
        var markers = new Dictionary<string, UniqueMarker>(StringComparer.Ordinal);
        var unreadable = new List<FactRowRead>();
        long count = 0;
        await foreach (var row in facts.ScanShardAsync(payer, shard, month.Start, month.End, cancellationToken).ConfigureAwait(false))
        {
            if (row.Fact is not { } fact)
            {
                unreadable.Add(row);
                continue;
            }

            count++;
            foreach (var (grain, start, key) in RollupCodec.Rows(fact.Time))
            {
                if (!buckets.TryGetValue(key, out var bucket))
                {
                    buckets[key] = bucket = RollupBucket.Empty(grain, start);
                }

                bucket.Add(fact);
            }

            foreach (var (key, marker) in UniqueMarkerCodec.Of(fact))
            {
                if (markers.TryAdd(key, marker))
                {
                    buckets[RollupCodec.RowKey(UsageWindow.Month, marker.Month)].Add(marker.Counter, 1);
                }
            }
        }

        foreach (var bucket in buckets.Values)
        {
            RollupCodec.Normalize(bucket);
        }

        return (count, buckets, markers, unreadable);
    }

    /// <summary>The first few groups that differ, stored vs recomputed.</summary>
    private static string Describe(RollupBucket stored, RollupBucket want)
    {
        if (stored.Detail != want.Detail)
        {
            return $"detail {stored.Detail.ToString().ToLowerInvariant()}, the facts give {want.Detail.ToString().ToLowerInvariant()}";
        }

        var s = stored.Sums.ToDictionary(kv => kv.Key, kv => kv.Value);
        var w = want.Sums.ToDictionary(kv => kv.Key, kv => kv.Value);
        var lines = s.Keys.Union(w.Keys)
            .Select(k => (Key: k, Stored: s.GetValueOrDefault(k), Want: w.GetValueOrDefault(k)))
            .Where(x => x.Stored != x.Want)
            .Take(5)
            .Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Key.Meter} {x.Key.Source} [{string.Join(", ", x.Key.Values)}]: stored {x.Stored}, facts {x.Want}"));
        return string.Join("; ", lines);
    }
}
