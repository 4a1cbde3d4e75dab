namespace Billing.Domain.Metering.Rollups;

/// <summary>A piece of a query range: read from <see cref="Grain"/> buckets, or from facts when <see cref="Grain"/> is null.</summary>
public sealed record RollupSegment(UsageWindow? Grain, DateTimeOffset From, DateTimeOffset To);
