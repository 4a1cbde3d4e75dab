namespace Billing.Application.Rollups;

/// <summary>
/// A shard's buckets of every grain in a range and its UNIQUE_COUNT markers, from its facts (normalized as writing them
/// would): each distinct marker counted once in its month bucket. Fact rows that cannot be read are left out and listed in
/// <see cref="Unreadable"/>, for the caller to report or refuse. Buckets that reach past the range hold only its part.
/// </summary>
internal sealed record RollupRecomputation(long Facts, Dictionary<string, RollupBucket> Buckets, Dictionary<string, UniqueMarker> Markers, List<FactRowRead> Unreadable)
{
    public static async Task<RollupRecomputation> ReadAsync(FactStore facts, string payer, int shard, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var buckets = new Dictionary<string, RollupBucket>(StringComparer.Ordinal);
        var markers = new Dictionary<string, UniqueMarker>(StringComparer.Ordinal);
        var unreadable = new List<FactRowRead>();
        long count = 0;
        await foreach (var row in facts.ScanShardAsync(payer, shard, from, to, cancellationToken).ConfigureAwait(false))
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
                    buckets[RollupCodec.RowKey(UsageWindow.Month, marker.Month)].CountMarker(marker.Counter);
                }
            }
        }

        foreach (var bucket in buckets.Values)
        {
            RollupCodec.Normalize(bucket);
        }

        return new RollupRecomputation(count, buckets, markers, unreadable);
    }
}
