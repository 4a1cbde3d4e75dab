namespace Billing.Application.Rollups;

/// <summary>
/// A rollup row verify let go unchecked (docs/design.md §6, "Verify on a live system"): it differed from the facts at each
/// of its checks, and metering rewrote it meanwhile every time in a way that could explain the difference. Not a
/// difference, not proven right either: verify again once its hour, day or month is no longer metered into.
/// </summary>
public sealed record RollupUnsettled(int Shard, string RowKey);
