namespace Billing.Contracts.Rollups;

/// <summary>A rollup row that does not match the facts: <c>kind</c> is <c>missing</c>, <c>extra</c> or <c>different</c>.</summary>
public sealed record RollupDifferenceView(int Shard, string RowKey, string Kind, string Detail);
