namespace Billing.Contracts.Rollups;

/// <summary>
/// POST /api/v1/rollups/rebuild: rows replaced, added or deleted so the month's rollups equal its facts.
/// <see cref="MarkedLate"/>: a month with facts older than the ones closes correct routinely, which may have been billed
/// from the rollups replaced: it is marked as late usage, so the next close bills the difference, if any.
/// </summary>
public sealed record RollupRebuildResponse(string Payer, string Month, long Facts, int Buckets, int RowsChanged, bool MarkedLate);
