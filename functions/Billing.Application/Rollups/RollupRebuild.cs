namespace Billing.Application.Rollups;

/// <summary>The outcome of a rebuild: how many rows were replaced, added or deleted to match the facts.</summary>
public sealed record RollupRebuild(string Payer, BillingPeriod Month, long Facts, int Buckets, int RowsChanged)
{
    /// <summary>
    /// True when the month, past the routine window of closes, has facts or had rows changed: it was marked as late usage,
    /// so the next close bills what its invoices got wrong, if anything (<see cref="RollupMaintenance"/>).
    /// </summary>
    public bool MarkedLate { get; init; }
}
