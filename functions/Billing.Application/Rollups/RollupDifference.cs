namespace Billing.Application.Rollups;

/// <summary>
/// One rollup row that does not match the facts: <see cref="Kind"/> is <c>missing</c>, <c>extra</c> or <c>different</c>;
/// or, kind <c>unreadable</c>, a fact row (<see cref="RowKey"/> is its time row's key) that this platform did not write;
/// or, kind <c>unreadable-rollup</c>, a row under a rollup key that is no bucket's (planted), which rebuild deletes.
/// </summary>
public sealed record RollupDifference(int Shard, string RowKey, string Kind, string Detail);
