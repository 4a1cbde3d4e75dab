namespace Billing.Storage.Rollups;

/// <summary>
/// One payer shard's rollup rows of every grain and UNIQUE_COUNT markers in a range, each with the ETag it was read
/// with (<see cref="RollupStore.ReadShardAsync"/>): what verify compares and what a rebuild writes over. Rows under a
/// rollup key that is no bucket's are apart in <see cref="Unreadable"/> (verify reports them, rebuild deletes them).
/// </summary>
public sealed record RollupShardRows(
    IReadOnlyList<(RollupBucket Bucket, ETag ETag)> Buckets,
    IReadOnlyList<(string RowKey, UniqueMarker? Marker, ETag ETag)> Markers,
    IReadOnlyList<UnreadableRollupRow> Unreadable);
