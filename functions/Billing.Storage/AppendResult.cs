namespace Billing.Storage;

public sealed record AppendResult(int Inserted, int Duplicates, IReadOnlyList<FactConflict> Conflicts, int Transactions)
{
    /// <summary>Facts the service refused; the caller quarantines them. Every other fact of the call was written or classified.</summary>
    public IReadOnlyList<UnstorableFact> Unstorable { get; init; } = [];
}
