namespace Billing.Contracts.Rollups;

/// <summary>POST /api/v1/rollups/rebuild: rows replaced, added or deleted so the month's rollups equal its facts.</summary>
public sealed record RollupRebuildResponse(string Payer, string Month, long Facts, int Buckets, int RowsChanged);
