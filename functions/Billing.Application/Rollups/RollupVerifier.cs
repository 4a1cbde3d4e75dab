namespace Billing.Application.Rollups;

/// <summary>
/// Verify of one shard's month, safe on a live system (docs/design.md §6, "Verify/rebuild"). A fact and the rollup rows
/// counting it are committed in one transaction, and metering only ever adds facts, sums and markers; so the rows are read
/// first and the facts after: a fact metered in between is in the facts and not yet in the rows, never the reverse.
/// A row that differs is read again after the facts. Unchanged (same ETag, or still absent), nothing was metered in its
/// range meanwhile (every fact of the range rewrites it) and the difference is real. Changed, the difference is real
/// when no metering write explains it (the row read before has a sum above the facts', the row read after one below, or a
/// finer detail); otherwise the row is checked again over its own range (row, facts, row), up to <see cref="MaxPasses"/>
/// times in all. A marker is only ever added with the first fact carrying its value, so one read after the facts settles it.
/// </summary>
internal sealed class RollupVerifier(FactStore facts)
{
    /// <summary>Checks of a differing row (the first is the month's) before a difference that writes explained every time is let go.</summary>
    private const int MaxPasses = 3;

    private const string MarkerNotItsKey = "a UNIQUE_COUNT marker whose properties do not match its key";

    /// <summary>Point reads sent together.</summary>
    private const int ReadsAtOnce = 32;

    private readonly RollupStore rollups = facts.Rollups;

    public async Task<(long Facts, int Buckets, List<RollupDifference> Differences, List<RollupUnsettled> Unsettled)> VerifyShardAsync(
        string payer, int shard, BillingPeriod month, CancellationToken cancellationToken)
    {
        var rows = await rollups.ReadShardAsync(payer, shard, month.Start, month.End, cancellationToken).ConfigureAwait(false);
        var recomputed = await RollupRecomputation.ReadAsync(facts, payer, shard, month.Start, month.End, cancellationToken).ConfigureAwait(false);
        var differences = recomputed.Unreadable.Select(u => new RollupDifference(shard, u.RowKey, "unreadable",
            $"{u.Unreadable!.Message}. It is left out of this comparison, so the rollups of its hour, day and month may differ from the facts too")).ToList();
        differences.AddRange(rows.Unreadable.Select(u => new RollupDifference(shard, u.RowKey, "unreadable-rollup",
            $"{u.Reason}: no bucket, so it claims nothing; usage reads use the facts of the range it lies in, and rebuild deletes it")));
        var expected = new Dictionary<string, RollupBucket>(recomputed.Buckets, StringComparer.Ordinal);
        var suspects = new List<Cell>();
        foreach (var (stored, etag) in rows.Buckets)
        {
            string rk = RollupCodec.RowKey(stored.Grain, stored.Start);
            var want = expected.Remove(rk, out var w) ? w : null;
            if (want is null || !Same(stored, want))
            {
                suspects.Add(new Cell(rk, stored.Grain, stored.Start, stored, etag, want));
            }
        }

        suspects.AddRange(expected.Select(kv => new Cell(kv.Key, kv.Value.Grain, kv.Value.Start, null, null, kv.Value)));
        var (confirmed, unsettled) = await ConfirmAsync(payer, shard, suspects, cancellationToken).ConfigureAwait(false);
        differences.AddRange(confirmed);
        differences.AddRange(await CompareMarkersAsync(payer, shard, month.Start, rows.Markers, recomputed.Markers, cancellationToken).ConfigureAwait(false));
        return (recomputed.Facts, recomputed.Buckets.Count, differences, unsettled);
    }

    /// <summary>
    /// The differences among <paramref name="cells"/> (rows that differed from the facts read after them) that metering does
    /// not explain, and the rows still unsettled after <see cref="MaxPasses"/> checks (metering explained a change every time).
    /// </summary>
    private async Task<(List<RollupDifference> Differences, List<RollupUnsettled> Unsettled)> ConfirmAsync(
        string payer, int shard, List<Cell> cells, CancellationToken cancellationToken)
    {
        var differences = new List<RollupDifference>();
        for (int pass = 1; cells.Count > 0; pass++)
        {
            var after = await ReadAsync(payer, shard, cells, cancellationToken).ConfigureAwait(false);
            var unsettled = new List<Cell>();
            for (int i = 0; i < cells.Count; i++)
            {
                var cell = cells[i];
                if (cell.ETag == after[i]?.ETag || !Explained(cell, after[i]?.Bucket))
                {
                    differences.AddRange(Difference(shard, cell) is { } d ? [d] : []);
                }
                else
                {
                    unsettled.Add(cell);
                }
            }

            if (pass == MaxPasses || unsettled.Count == 0)
            {
                // What is still unsettled was metered into at every pass, and explained by it each time: let go, and said so.
                return (differences, [.. unsettled.Select(c => new RollupUnsettled(shard, c.RowKey))]);
            }

            var before = await ReadAsync(payer, shard, unsettled, cancellationToken).ConfigureAwait(false);
            var again = await RollupRecomputation.ReadAsync(
                facts, payer, shard, unsettled.Min(c => c.Start), unsettled.Max(c => c.End), cancellationToken).ConfigureAwait(false);
            cells = [.. unsettled.Select((c, i) => c with { Stored = before[i]?.Bucket, ETag = before[i]?.ETag, Facts = again.Buckets.GetValueOrDefault(c.RowKey) })];
        }

        return (differences, []);
    }

    /// <summary>The cells' rows as stored now (null: absent).</summary>
    private Task<(RollupBucket Bucket, ETag ETag)?[]> ReadAsync(string payer, int shard, List<Cell> cells, CancellationToken cancellationToken) =>
        InBatchesAsync(cells, async c => (await rollups.ReadAsync(payer, shard, c.Grain, c.Start, c.End, cancellationToken).ConfigureAwait(false)).Buckets is [var row]
            ? row
            : ((RollupBucket, ETag)?)null);

    /// <summary>
    /// Markers read before the facts: one no fact carries, or one not matching its key, is a difference. A marker the facts
    /// need and the read missed may have been added with its fact meanwhile: read again, it must be there now. Read by key
    /// when a few are missing, otherwise the month's markers once more: a month whose markers are all gone (or predate
    /// markers) costs one more range read, not a point read per value.
    /// </summary>
    private async Task<List<RollupDifference>> CompareMarkersAsync(string payer, int shard, DateTimeOffset month,
        IReadOnlyList<(string RowKey, UniqueMarker? Marker, ETag ETag)> stored, Dictionary<string, UniqueMarker> expected, CancellationToken cancellationToken)
    {
        var missing = new Dictionary<string, UniqueMarker>(expected, StringComparer.Ordinal);
        var differences = new List<RollupDifference>();
        foreach (var (rk, marker, _) in stored)
        {
            if (!missing.Remove(rk))
            {
                differences.Add(new RollupDifference(shard, rk, "extra", "a UNIQUE_COUNT marker no fact of the shard carries"));
            }
            else if (marker is null)
            {
                differences.Add(new RollupDifference(shard, rk, "different", MarkerNotItsKey));
            }
        }

        var wanted = missing.ToList();
        (bool Exists, UniqueMarker? Marker)[] now;
        if (wanted.Count <= ReadsAtOnce)
        {
            now = await InBatchesAsync(wanted, m => rollups.ReadMarkerAsync(payer, shard, m.Key, cancellationToken)).ConfigureAwait(false);
        }
        else
        {
            var again = (await rollups.ReadMarkersAsync(payer, shard, month, null, cancellationToken).ConfigureAwait(false))
                .ToDictionary(m => m.RowKey, m => m.Marker, StringComparer.Ordinal);
            now = [.. wanted.Select(m => again.TryGetValue(m.Key, out var marker) ? (true, marker) : (false, (UniqueMarker?)null))];
        }

        for (int i = 0; i < wanted.Count; i++)
        {
            var (rk, m) = wanted[i];
            differences.AddRange(now[i] switch
            {
                (false, _) => [new RollupDifference(shard, rk, "missing", $"the facts carry {m.Meter} value '{m.Value}' from {m.Source} without its marker")],
                (true, null) => [new RollupDifference(shard, rk, "different", MarkerNotItsKey)],
                _ => [],
            });
        }

        return differences;
    }

    private static async Task<TResult[]> InBatchesAsync<T, TResult>(IReadOnlyList<T> items, Func<T, Task<TResult>> read)
    {
        var results = new List<TResult>(items.Count);
        foreach (var batch in items.Chunk(ReadsAtOnce))
        {
            results.AddRange(await Task.WhenAll(batch.Select(read)).ConfigureAwait(false));
        }

        return [.. results];
    }

    private static bool Same(RollupBucket stored, RollupBucket want) => want.Detail == stored.Detail && want.SameSums(stored);

    /// <summary>
    /// True when facts metered between the reads explain the difference: the row read before, the facts, and the row read
    /// after only grow, sum by sum at the coarsest of their details, and their detail only ever gets coarser.
    /// </summary>
    private static bool Explained(Cell cell, RollupBucket? after)
    {
        var empty = RollupBucket.Empty(cell.Grain, cell.Start);
        RollupBucket[] reads = [cell.Stored ?? empty, cell.Facts ?? empty, after ?? empty];
        if (reads[0].Detail > reads[1].Detail || reads[1].Detail > reads[2].Detail)
        {
            return false;
        }

        if (reads[2].Detail == RollupDetail.Overflow)
        {
            return true; // no sums left to compare
        }

        var sums = reads.Select(b =>
        {
            var at = b.Clone();
            if (reads[2].Detail == RollupDetail.Coarse)
            {
                at.Coarsen();
            }

            return at.Sums.ToDictionary(kv => kv.Key, kv => kv.Value);
        }).ToArray();
        return sums.SelectMany(s => s.Keys).Distinct().All(k =>
            sums[0].GetValueOrDefault(k) <= sums[1].GetValueOrDefault(k) && sums[1].GetValueOrDefault(k) <= sums[2].GetValueOrDefault(k));
    }

    private static RollupDifference? Difference(int shard, Cell cell) => (cell.Stored, cell.Facts) switch
    {
        (null, { } want) => new RollupDifference(shard, cell.RowKey, "missing", $"the facts have {want.Count} group(s) here"),
        ({ } stored, null) => new RollupDifference(shard, cell.RowKey, "extra", $"a {stored.Grain} bucket with {stored.Count} group(s) where the facts have none"),
        ({ } stored, { } want) when !Same(stored, want) => new RollupDifference(shard, cell.RowKey, "different", Describe(stored, want)),
        _ => null,
    };

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
            .Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Key.Meter} {x.Key.Source} [{string.Join(", ", x.Key.Values)}]: stored {x.Stored}, facts {x.Want}"))
            .ToList();
        return lines.Count > 0 ? string.Join("; ", lines)
            : $"{(stored.TotalsKnown ? "totals " + Totals(stored) : "totals unknown (given up when the row overflowed)")}, the facts give {Totals(want)}";
    }

    /// <summary>A month row's per-meter totals, as the row keeps them.</summary>
    private static string Totals(RollupBucket bucket) =>
        string.Join(", ", bucket.Totals.Where(t => t.Value != 0).OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key}={t.Value}"))) is { Length: > 0 } text ? text : "none";

    /// <summary>One rollup row that differed: as stored when last read before the facts (null: absent), with that read's ETag, and as the facts give it.</summary>
    private sealed record Cell(string RowKey, UsageWindow Grain, DateTimeOffset Start, RollupBucket? Stored, ETag? ETag, RollupBucket? Facts)
    {
        public DateTimeOffset End => UsageRollup.WindowEnd(Start, Grain);
    }
}
