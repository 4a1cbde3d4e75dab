namespace Billing.Application.Rollups;

/// <summary>One rollup row that does not match the facts: <see cref="Kind"/> is <c>missing</c>, <c>extra</c> or <c>different</c>.</summary>
public sealed record RollupDifference(int Shard, string RowKey, string Kind, string Detail);
