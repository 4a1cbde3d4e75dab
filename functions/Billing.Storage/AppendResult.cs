namespace Billing.Storage;

public sealed record AppendResult(int Inserted, int Duplicates, IReadOnlyList<FactConflict> Conflicts, int Transactions)
{
    /// <summary>Facts the service refused; the caller quarantines them. Every other fact of the call was written or classified.</summary>
    public IReadOnlyList<UnstorableFact> Unstorable { get; init; } = [];

    /// <summary>
    /// New facts not written because they would take their payer's month of a meter past its limit
    /// (<see cref="PendingFact.MonthLimits"/>), with the reason; the caller quarantines them. A stored fact is never here.
    /// </summary>
    public IReadOnlyList<UnstorableFact> OverLimit { get; init; } = [];
}
