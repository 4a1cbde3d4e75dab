namespace Billing.Application.Rollups;

/// <summary>The outcome of a rebuild: how many rows were replaced, added or deleted to match the facts.</summary>
public sealed record RollupRebuild(string Payer, BillingPeriod Month, long Facts, int Buckets, int RowsChanged);
