namespace Billing.Contracts.Rollups;

/// <summary>
/// A rollup row that does not match the facts: <c>kind</c> is <c>missing</c>, <c>extra</c> or <c>different</c>;
/// <c>unreadable</c> for a fact row this platform did not write (its time row's key; rebuild refuses its shard's month);
/// <c>unreadable-rollup</c> for a row under a rollup key that is no bucket's (rebuild deletes it).
/// </summary>
public sealed record RollupDifferenceView(int Shard, string RowKey, string Kind, string Detail);
