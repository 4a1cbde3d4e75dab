namespace Billing.Application.Usage;

/// <summary>
/// Sums of one meter of a payer by window and group, read from the rollups (docs/design.md §6): the plan's grains for
/// the aligned parts of <c>[from, to)</c>, facts for the rest and for buckets that cannot answer the grouping (coarse
/// or overflowed). <see cref="FromFactsAsync"/> is the same answer from facts alone (what verify compares with).
/// A row under a rollup key that is no bucket's (planted) is logged to <paramref name="logger"/> and never summed: the
/// facts answer that shard's part of the range it lies in.
/// </summary>
public sealed partial class UsageReader(FactStore facts, ILogger? logger = null)
{
    private readonly RollupStore rollups = facts.Rollups;

    private readonly ILogger logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>The sums; with a <c>source</c>, only of the facts it reported (a provider reading a tenant's usage), else of all.</summary>
    public Task<IReadOnlyList<UsageRow>> ReadAsync(
        string payer, MeterDefinition meter, UsageWindow window, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<string> groupBy, string? source,
        CancellationToken cancellationToken) =>
        ReadAsync(payer, meter, window, from, to, groupBy, source, null, cancellationToken);

    /// <summary>
    /// The sums, within <paramref name="limits"/> when given (a usage query's; closes and invoices read unbounded): past
    /// its rows, or past its span of facts in a shard for buckets that cannot answer the grouping (counted before those
    /// facts are read), <see cref="UsageQueryTooLargeException"/>. The span the plan reads from facts is the caller's to
    /// check first (<see cref="PlannedFactSpan"/>).
    /// </summary>
    public async Task<IReadOnlyList<UsageRow>> ReadAsync(
        string payer, MeterDefinition meter, UsageWindow window, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<string> groupBy, string? source,
        UsageLimits? limits, CancellationToken cancellationToken)
    {
        var budget = limits is null ? null : new UsageRowBudget(limits.MaxRows);
        var rollup = new UsageRollup(meter, window, groupBy, budget); // validates groupBy first
        if (meter.Aggregation == Aggregation.UniqueCount && window == UsageWindow.Month)
        {
            return await UniqueCountAsync(rollup, payer, meter, from, to, source, cancellationToken).ConfigureAwait(false);
        }

        if (meter.Aggregation is not (Aggregation.Sum or Aggregation.Count))
        {
            // MAX, LATEST, and UNIQUE_COUNT by hour or day have no rollups: the facts, exactly once each, answer them (§6.1).
            await AddFactsAsync(rollup, payer, from, to, source, cancellationToken).ConfigureAwait(false);
            return rollup.Rows();
        }

        var segments = RollupPlan.Segments(from, to, window, [.. groupBy]);
        var planned = FactSpan(segments);
        // The shards add to the one rollup as they read (one copy of the answer); the first to fail stops the others.
        await ShardReads.RunAsync(Enumerable.Range(0, rollups.Shards), async (shard, cancellationToken) =>
        {
            var factSpan = planned; // of this shard, read from facts: the plan's edges, then buckets that cannot answer
            foreach (var segment in segments)
            {
                if (segment.Grain is not { } grain)
                {
                    await AddFactsAsync(rollup, payer, shard, segment.From, segment.To, source, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var range = await rollups.ReadAsync(payer, shard, grain, segment.From, segment.To, cancellationToken).ConfigureAwait(false);
                if (range.Buckets.Count == 0 && range.Unreadable.Count == 0)
                {
                    range = await ReadAgainWhenFactsAsync(payer, shard, grain, segment.From, segment.To, cancellationToken).ConfigureAwait(false);
                }

                if (range.Unreadable.Count > 0)
                {
                    // Rollups are derived: the facts answer whatever bucket such a row might stand for, and it is never acted on.
                    foreach (var row in range.Unreadable)
                    {
                        LogRollupRowUnreadable(logger, payer, shard, row.RowKey, row.Reason);
                    }

                    await AddFactsAsync(rollup, payer, shard, segment.From, segment.To, source, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                foreach (var (bucket, _) in range.Buckets)
                {
                    if (!bucket.CanAnswer(groupBy))
                    {
                        factSpan += bucket.End - bucket.Start;
                        if (limits is not null && factSpan > limits.MaxFactSpan)
                        {
                            throw new UsageQueryTooLargeException("to", CoarseReason(groupBy, limits.MaxFactSpan));
                        }

                        await AddFactsAsync(rollup, payer, shard, bucket.Start, bucket.End, source, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    foreach (var (key, quantity) in bucket.Sums)
                    {
                        if (key.Meter == meter.Name && (source is null || key.Source == source))
                        {
                            AddSum(rollup, payer, meter, bucket.Start, name => key.Value(meter, name), quantity);
                        }
                    }
                }
            }
        }, cancellationToken).ConfigureAwait(false);
        return rollup.Rows();
    }

    /// <summary>
    /// Adds a bucket's sum. Metered usage never sums past <see cref="Int128"/> (a month is held to what one invoice can bill),
    /// so sums that do were changed in storage: stored data that does not add up, refused as such (deterministic, as a row
    /// that cannot be read), never an overflow thrown as a server error.
    /// </summary>
    private static void AddSum(UsageRollup rollup, string payer, MeterDefinition meter, DateTimeOffset start, Func<string, string?> dimension, Int128 quantity)
    {
        try
        {
            rollup.Add(start, dimension, quantity);
        }
        catch (OverflowException ex)
        {
            throw new InvalidDataException(
                $"the {meter.Name} usage of {payer} cannot be summed: its rollups hold more than any metered usage can reach, so a row was changed " +
                $"outside the platform; `billing rollups verify --payer {payer} --month {BillingPeriod.Containing(start)}` lists it and rebuild replaces it", ex);
        }
    }

    /// <summary>
    /// A shard without a single bucket of <paramref name="grain"/> in [<paramref name="from"/>, <paramref name="to"/>) must
    /// have no fact there either: metering writes a fact and its buckets in one transaction, so facts without buckets mean
    /// rollup rows were deleted outside the platform, and summing the rest would bill the shard's usage as zero. One key
    /// is read, and only for an empty shard. A fact found there may have been metered since the buckets were read (the
    /// first of its hour or day on a live payer), so the buckets are read again: they are there with it, and still none is
    /// a deletion, refused (one payer's unreadable data), never answered short.
    /// </summary>
    private async Task<RollupRange> ReadAgainWhenFactsAsync(
        string payer, int shard, UsageWindow grain, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (!await facts.AnyInShardAsync(payer, shard, from, to, cancellationToken).ConfigureAwait(false))
        {
            return new RollupRange([], []);
        }

        var range = await rollups.ReadAsync(payer, shard, grain, from, to, cancellationToken).ConfigureAwait(false);
        return range.Buckets.Count > 0 || range.Unreadable.Count > 0 ? range : throw new InvalidDataException(
            $"the {grain.ToString().ToLowerInvariant()} rollups of {payer}'s shard {shard} in [{from:O}, {to:O}) are missing while facts are stored there: " +
            "they were deleted outside the platform; `billing rollups verify` lists them and `billing rollups rebuild` restores them from the facts");
    }

    /// <summary>
    /// How much of <c>[from, to)</c> <see cref="ReadAsync(string, MeterDefinition, UsageWindow, DateTimeOffset, DateTimeOffset, IReadOnlyList{string}, string?, UsageLimits?, CancellationToken)"/>
    /// reads from facts whatever the rollups hold: all of it for meters no rollup answers (MAX, LATEST, UNIQUE_COUNT by
    /// hour or day), the partial months of UNIQUE_COUNT by month, and the edges no hour starts for SUM and COUNT.
    /// </summary>
    public static TimeSpan PlannedFactSpan(MeterDefinition meter, UsageWindow window, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<string> groupBy)
    {
        ArgumentNullException.ThrowIfNull(meter);
        if (from >= to)
        {
            return TimeSpan.Zero;
        }

        if (meter.Aggregation == Aggregation.UniqueCount && window == UsageWindow.Month)
        {
            var end = UsageRollup.WindowStart(to, UsageWindow.Month);
            return UsageRollup.WindowStartAtOrAfter(from, UsageWindow.Month) is { } first && first < end ? (first - from) + (to - end) : to - from;
        }

        return meter.Aggregation is Aggregation.Sum or Aggregation.Count
            ? FactSpan(RollupPlan.Segments(from, to, window, [.. groupBy]))
            : to - from;
    }

    /// <summary>How much of a plan the facts answer: its segments no rollup grain can.</summary>
    private static TimeSpan FactSpan(IEnumerable<RollupSegment> segments) =>
        segments.Where(s => s.Grain is null).Aggregate(TimeSpan.Zero, (sum, s) => sum + (s.To - s.From));

    /// <summary>Why a query whose plan reads <paramref name="span"/> of facts is refused, and how to narrow it.</summary>
    public static string FactSpanReason(MeterDefinition meter, UsageWindow window, TimeSpan span, TimeSpan max)
    {
        ArgumentNullException.ThrowIfNull(meter);
        string narrow = meter.Aggregation == Aggregation.UniqueCount && window == UsageWindow.Month
            ? "start and end the range at month starts (whole months are counted from rollups), or narrow from/to"
            : "narrow from/to";
        return string.Create(CultureInfo.InvariantCulture,
            $"{meter.Name} by {window.ToString().ToLowerInvariant()} is counted from the usage events themselves over {span.TotalDays:0.##} days of this range, and one query reads at most {max.TotalDays:0} days of them: {narrow}");
    }

    private static string CoarseReason(IReadOnlyList<string> groupBy, TimeSpan max) => string.Create(CultureInfo.InvariantCulture,
        $"parts of this range hold more groups than their rollups keep for this grouping, so they are read from the usage events, and one query reads at most {max.TotalDays:0} days of them: narrow from/to{(groupBy.Any(RollupBucket.HighCardinality.Contains) ? ", or group without hotspot and lease" : "")}");

    /// <summary>The same answer from a scan of the facts (the source of truth).</summary>
    public async Task<IReadOnlyList<UsageRow>> FromFactsAsync(
        string payer, MeterDefinition meter, UsageWindow window, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<string> groupBy, string? source,
        CancellationToken cancellationToken)
    {
        var rollup = new UsageRollup(meter, window, groupBy);
        await AddFactsAsync(rollup, payer, from, to, source, cancellationToken).ConfigureAwait(false);
        return rollup.Rows();
    }

    /// <summary>
    /// A UNIQUE_COUNT meter by month (§6.1): each whole month of <c>[from, to)</c> is the union of the distinct values of
    /// the UNIQUE_COUNT markers of every shard (a value in two shards, sources or events is one value); partial months at
    /// the edges read facts, and so does a shard's month holding a marker row that does not match its key.
    /// </summary>
    private async Task<IReadOnlyList<UsageRow>> UniqueCountAsync(
        UsageRollup rollup, string payer, MeterDefinition meter, DateTimeOffset from, DateTimeOffset to, string? source, CancellationToken cancellationToken)
    {
        var end = UsageRollup.WindowStart(to, UsageWindow.Month);
        if (UsageRollup.WindowStartAtOrAfter(from, UsageWindow.Month) is not { } first || first >= end)
        {
            await AddFactsAsync(rollup, payer, from, to, source, cancellationToken).ConfigureAwait(false);
            return rollup.Rows();
        }

        await AddFactsAsync(rollup, payer, from, first, source, cancellationToken).ConfigureAwait(false);
        await AddFactsAsync(rollup, payer, end, to, source, cancellationToken).ConfigureAwait(false);
        var months = Enumerable.Range(0, ((end.Year - first.Year) * 12) + end.Month - first.Month).Select(i => first.AddMonths(i));
        await ShardReads.RunAsync(months.SelectMany(month => Enumerable.Range(0, rollups.Shards).Select(shard => (month, shard))), async (part, cancellationToken) =>
        {
            var (month, shard) = part;
            var markers = await rollups.ReadMarkersAsync(payer, shard, month, meter.Name, cancellationToken).ConfigureAwait(false);
            if (markers.Any(m => m.Marker is null) || !await CountersMatchAsync(payer, shard, month, meter.Name, markers, cancellationToken).ConfigureAwait(false))
            {
                await AddFactsAsync(rollup, payer, shard, month, month.AddMonths(1), source, cancellationToken).ConfigureAwait(false);
                return;
            }

            foreach (var (_, marker, _) in markers)
            {
                if (source is null || marker!.Source == source)
                {
                    rollup.AddDistinct(month, name => marker!.Counter.Value(meter, name), marker!.Value);
                }
            }
        }, cancellationToken).ConfigureAwait(false);
        return rollup.Rows();
    }

    /// <summary>
    /// True when the shard's month row counts exactly <paramref name="markers"/> per source and group (§6.1: a marker and
    /// +1 on its counter are written together). Otherwise markers were deleted or planted outside the platform, or one
    /// was metered between the two reads, and the facts answer that shard's month: never a count short of them. A month
    /// row that overflowed has no counters left to compare, and its markers are used as they are.
    /// </summary>
    private async Task<bool> CountersMatchAsync(
        string payer, int shard, DateTimeOffset month, string meter, IReadOnlyList<(string RowKey, UniqueMarker? Marker, ETag ETag)> markers,
        CancellationToken cancellationToken)
    {
        var rows = (await rollups.ReadAsync(payer, shard, UsageWindow.Month, month, UsageRollup.WindowEnd(month, UsageWindow.Month), cancellationToken).ConfigureAwait(false)).Buckets; // one key: a point read
        if (rows.Any(r => r.Bucket.Detail == RollupDetail.Overflow))
        {
            return true;
        }

        var counters = rows.SelectMany(r => r.Bucket.Sums).Where(kv => kv.Key.Meter == meter).ToList();
        var counted = markers.GroupBy(m => m.Marker!.Counter).ToDictionary(g => g.Key, g => (Int128)g.Count());
        return counters.Count == counted.Count && counters.All(kv => counted.GetValueOrDefault(kv.Key) == kv.Value);
    }

    private async Task AddFactsAsync(UsageRollup rollup, string payer, DateTimeOffset from, DateTimeOffset to, string? source, CancellationToken cancellationToken)
    {
        if (from >= to)
        {
            return;
        }

        await foreach (var fact in facts.QueryAsync(payer, from, to, cancellationToken).ConfigureAwait(false))
        {
            if (source is null || fact.Source == source)
            {
                rollup.Add(fact);
            }
        }
    }

    private async Task AddFactsAsync(UsageRollup rollup, string payer, int shard, DateTimeOffset from, DateTimeOffset to, string? source, CancellationToken cancellationToken)
    {
        await foreach (var fact in facts.QueryShardAsync(payer, shard, from, to, cancellationToken).ConfigureAwait(false))
        {
            if (source is null || fact.Source == source)
            {
                rollup.Add(fact);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollup row {RowKey} of {Payer}'s shard {Shard} is no bucket ({Reason}); the facts answer its range, and `billing rollups rebuild` deletes it")]
    private static partial void LogRollupRowUnreadable(ILogger logger, string payer, int shard, string rowKey, string reason);
}
