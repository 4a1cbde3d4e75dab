namespace Billing.Storage.Rollups;

/// <summary>
/// Reads the rollup rows that <see cref="FactStore"/> maintains in each fact partition (docs/design.md §6), and
/// replaces a range of them (and the UNIQUE_COUNT markers, docs/design.md §6.1) with what the facts give (rebuild).
/// </summary>
public sealed class RollupStore(BillingTables tables)
{
    private readonly TableClient table = tables.Facts;

    public int Shards { get; } = tables.Options.FactShards;

    /// <summary>
    /// Up to this many buckets per shard are read by key rather than by a row-key range (a month's total, a close, a
    /// few days): a point read costs the same whatever the table holds, while a range query's cost depends on the
    /// service's index (Azurite, which has none, evaluates it against every row of the table).
    /// </summary>
    public const int MaxPointReads = 4;

    /// <summary>
    /// The <paramref name="grain"/> buckets of one of the payer's shards starting in <c>[from, to)</c> (bounds aligned to
    /// the grain). A range read also returns rows under keys between the buckets' that are no bucket's (planted): they are
    /// set apart as unreadable, never an exception that would stop every read of the payer's range.
    /// </summary>
    public async Task<RollupRange> ReadAsync(
        string payer, int shard, UsageWindow grain, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        string pk = FactStore.ShardPartitionKey(payer, shard);
        var starts = BucketStarts(grain, from, to, MaxPointReads + 1);
        if (starts.Count <= MaxPointReads)
        {
            var rows = await Task.WhenAll(starts.Select(start =>
                table.GetEntityIfExistsAsync<TableEntity>(pk, RollupCodec.RowKey(grain, start), cancellationToken: cancellationToken))).ConfigureAwait(false);
            return new RollupRange([.. rows.Where(r => r.HasValue).Select(r => (RollupCodec.FromEntity(r.Value!), r.Value!.ETag))], []);
        }

        return await ReadRangeAsync(pk, grain, from, to, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every row of the partition in <c>[RowKey(from), RowKey(to))</c> of <paramref name="grain"/>: its buckets, and apart the rows that are no bucket.</summary>
    private async Task<RollupRange> ReadRangeAsync(string pk, UsageWindow grain, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {pk} and RowKey ge {RollupCodec.RowKey(grain, from)} and RowKey lt {RollupCodec.RowKey(grain, to)}");
        var result = new List<(RollupBucket, ETag)>();
        var unreadable = new List<UnreadableRollupRow>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            try
            {
                result.Add((RollupCodec.FromEntity(e), e.ETag));
            }
            catch (InvalidDataException ex)
            {
                unreadable.Add(new UnreadableRollupRow(e.RowKey, e.ETag, ex.Message));
            }
        }

        return new RollupRange(result, unreadable);
    }

    /// <summary>
    /// The starts of the <paramref name="grain"/> buckets the range <c>[RowKey(from), RowKey(to))</c> holds, at most
    /// <paramref name="limit"/> of them: the same buckets a range query returns.
    /// </summary>
    private static List<DateTimeOffset> BucketStarts(UsageWindow grain, DateTimeOffset from, DateTimeOffset to, int limit)
    {
        string end = RollupCodec.RowKey(grain, to);
        var starts = new List<DateTimeOffset>(limit);
        for (var start = UsageRollup.WindowStart(from, grain);
            starts.Count < limit && string.CompareOrdinal(RollupCodec.RowKey(grain, start), end) < 0;
            start = UsageRollup.WindowEnd(start, grain))
        {
            starts.Add(start);
        }

        return starts;
    }

    /// <summary>
    /// The UNIQUE_COUNT markers of one of the payer's shards in the month starting at <paramref name="month"/>, of one
    /// meter or (null) all; a row that does not match its key comes back with a null marker.
    /// </summary>
    public async Task<IReadOnlyList<(string RowKey, UniqueMarker? Marker, ETag ETag)>> ReadMarkersAsync(
        string payer, int shard, DateTimeOffset month, string? meter, CancellationToken cancellationToken)
    {
        string pk = FactStore.ShardPartitionKey(payer, shard);
        string prefix = meter is null ? UniqueMarkerCodec.MonthPrefix(month) : UniqueMarkerCodec.MeterPrefix(month, meter);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {prefix} and RowKey lt {UniqueMarkerCodec.PrefixEnd(prefix)}");
        var result = new List<(string, UniqueMarker?, ETag)>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            result.Add((e.RowKey, UniqueMarkerCodec.FromEntity(e), e.ETag));
        }

        return result;
    }

    /// <summary>One marker row of one of the payer's shards by its key: absent, or there with its marker (null when the row does not match its key).</summary>
    public async Task<(bool Exists, UniqueMarker? Marker)> ReadMarkerAsync(string payer, int shard, string rowKey, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(FactStore.ShardPartitionKey(payer, shard), rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? (true, UniqueMarkerCodec.FromEntity(row.Value!)) : (false, null);
    }

    /// <summary>True when the payer has a month bucket starting before <paramref name="before"/> (it had facts then).</summary>
    public async Task<bool> AnyMonthBeforeAsync(string payer, DateTimeOffset before, CancellationToken cancellationToken)
    {
        for (int shard = 0; shard < Shards; shard++)
        {
            string pk = FactStore.ShardPartitionKey(payer, shard);
            string filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {pk} and RowKey ge {RollupCodec.RowPrefix + RollupCodec.GrainCode(UsageWindow.Month)} and RowKey lt {RollupCodec.RowKey(UsageWindow.Month, before)}");
            await foreach (var _ in table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the payer has the month bucket starting at <paramref name="month"/> in any shard (it had facts then): a point read per shard.</summary>
    public async Task<bool> HasMonthAsync(string payer, DateTimeOffset month, CancellationToken cancellationToken)
    {
        string rowKey = RollupCodec.RowKey(UsageWindow.Month, month);
        for (int shard = 0; shard < Shards; shard++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(FactStore.ShardPartitionKey(payer, shard), rowKey, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false);
            if (row.HasValue)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The shard's buckets of every grain in <c>[from, to)</c> and the UNIQUE_COUNT markers of its months, with their ETags, and the rows there that are no bucket.</summary>
    public async Task<RollupShardRows> ReadShardAsync(string payer, int shard, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var buckets = new List<(RollupBucket, ETag)>();
        var unreadable = new List<UnreadableRollupRow>();
        foreach (var grain in RollupCodec.Grains)
        {
            // A range read even for a month's one bucket: a row planted under a key between the buckets' is found and set apart.
            var range = await ReadRangeAsync(FactStore.ShardPartitionKey(payer, shard), grain, from, to, cancellationToken).ConfigureAwait(false);
            buckets.AddRange(range.Buckets);
            unreadable.AddRange(range.Unreadable);
        }

        var markers = new List<(string, UniqueMarker?, ETag)>();
        for (var month = UsageRollup.WindowStart(from, UsageWindow.Month); month < to; month = month.AddMonths(1))
        {
            markers.AddRange(await ReadMarkersAsync(payer, shard, month, null, cancellationToken).ConfigureAwait(false));
        }

        return new RollupShardRows(buckets, markers, unreadable);
    }

    /// <summary>
    /// Makes the shard's rows read as <paramref name="stored"/> (<see cref="ReadShardAsync"/>) equal <paramref name="expected"/>
    /// and <paramref name="markers"/>: rows that differ are replaced and extra ones deleted (rows that are no bucket too:
    /// rollups are derived, so what is not one of the facts' buckets goes), each guarded by the ETag it was read with, and
    /// missing ones added. Read <paramref name="stored"/> <em>before</em> the facts the expected rows come
    /// from: a writer then counts a fact either before that read (the facts have it too) or after it (its rows' ETags
    /// change, or its Add makes ours fail), so a 412/409 says a writer counted a fact meanwhile and the caller recomputes;
    /// rows read after the facts would let a write under their fresh ETags drop that fact. Returns the rows changed.
    /// </summary>
    public async Task<int> ReplaceAsync(
        string payer, int shard, RollupShardRows stored, IReadOnlyCollection<RollupBucket> expected, IReadOnlyCollection<UniqueMarker> markers,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(markers);
        string pk = FactStore.ShardPartitionKey(payer, shard);
        var want = expected.ToDictionary(b => RollupCodec.RowKey(b.Grain, b.Start), StringComparer.Ordinal);
        var actions = new List<TableTransactionAction>();
        foreach (var (bucket, etag) in stored.Buckets)
        {
            string rk = RollupCodec.RowKey(bucket.Grain, bucket.Start);
            if (!want.Remove(rk, out var w))
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(pk, rk), etag));
            }
            else if (w.Detail != bucket.Detail || !w.SameSums(bucket))
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, RollupCodec.ToEntity(pk, w), etag));
            }
        }

        actions.AddRange(want.Values.Select(w => new TableTransactionAction(TableTransactionActionType.Add, RollupCodec.ToEntity(pk, w))));
        actions.AddRange(stored.Unreadable.Select(u => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(pk, u.RowKey), u.ETag)));
        var wantMarkers = markers.ToDictionary(UniqueMarkerCodec.RowKey, StringComparer.Ordinal);
        var markerActions = new List<TableTransactionAction>();
        foreach (var (rk, marker, etag) in stored.Markers)
        {
            if (!wantMarkers.Remove(rk, out var w))
            {
                markerActions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(pk, rk), etag));
            }
            else if (marker is null)
            {
                markerActions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, UniqueMarkerCodec.ToEntity(pk, w), etag));
            }
        }

        // A marker is added with its month bucket's counter in one transaction only while metering writes; here every
        // row is guarded on its own (a metering writer that adds one meanwhile makes the Add fail, and the caller recompute).
        markerActions.AddRange(wantMarkers.Values.Select(m => new TableTransactionAction(TableTransactionActionType.Add, UniqueMarkerCodec.ToEntity(pk, m))));
        foreach (var chunk in actions.Chunk(8).Concat(markerActions.Chunk(100))) // rollup rows up to RollupCodec.WireBytes each: a few per transaction
        {
            await table.SubmitTransactionAsync(chunk, cancellationToken).ConfigureAwait(false);
        }

        return actions.Count + markerActions.Count;
    }
}
