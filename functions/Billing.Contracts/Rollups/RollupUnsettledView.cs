namespace Billing.Contracts.Rollups;

/// <summary>A rollup row that metering rewrote during each of verify's checks, so it was neither confirmed nor reported: verify again later.</summary>
public sealed record RollupUnsettledView(int Shard, string RowKey);
