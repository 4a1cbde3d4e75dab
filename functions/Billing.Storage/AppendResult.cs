namespace Billing.Storage;

public sealed record AppendResult(int Inserted, int Duplicates, IReadOnlyList<FactConflict> Conflicts, int Transactions)
{
    /// <summary>
    /// Facts the service refused, and windowed facts of a slot holding a claim row this platform did not write
    /// (<see cref="IntervalClaims"/>); the caller quarantines them. Every other fact of the call was written or classified.
    /// </summary>
    public IReadOnlyList<UnstorableFact> Unstorable { get; init; } = [];

    /// <summary>
    /// New facts not written because they would take their payer's month of a meter past its limit
    /// (<see cref="PendingFact.MonthLimits"/>), with the reason; the caller quarantines them. A stored fact is never here.
    /// </summary>
    public IReadOnlyList<UnstorableFact> OverLimit { get; init; } = [];

    /// <summary>
    /// New facts not written because their window overlaps one another event's of the same usage key (a compute lease and GPU
    /// model, a carrier session) claimed first (<see cref="IntervalClaims"/>), with the reason naming it; the caller quarantines them.
    /// </summary>
    public IReadOnlyList<UnstorableFact> Overlaps { get; init; } = [];

    /// <summary>Slots (a lease's day, a session) of this call whose facts were metered without the overlap check (a slot at its bound, a row refused): the caller logs them.</summary>
    public IReadOnlyList<ClaimNotice> ClaimNotices { get; init; } = [];

    /// <summary>
    /// Slots whose claim of a fact set aside after all storage refused to release (the window stays held, so another
    /// event of it is set aside as overlap): the caller logs them.
    /// </summary>
    public IReadOnlyList<ClaimNotice> ClaimReleaseFailures { get; init; } = [];
}
