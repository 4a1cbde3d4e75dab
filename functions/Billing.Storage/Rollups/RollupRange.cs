namespace Billing.Storage.Rollups;

/// <summary>
/// One payer shard's buckets of one grain in a range, each with the ETag it was read with (<see cref="RollupStore.ReadAsync"/>),
/// and the rows there that are no bucket (<see cref="UnreadableRollupRow"/>): never empty only for a range read.
/// </summary>
public sealed record RollupRange(IReadOnlyList<(RollupBucket Bucket, ETag ETag)> Buckets, IReadOnlyList<UnreadableRollupRow> Unreadable);
