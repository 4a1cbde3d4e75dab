namespace Billing.Storage;

/// <summary>What <see cref="IntervalClaims"/> decided for one append: shared by its parallel groups, of every usage key.</summary>
internal sealed class ClaimLog
{
    private int transactions;
    private int duplicates;

    /// <summary>Facts set aside because their window overlaps another event's claimed first, with the reason.</summary>
    public ConcurrentBag<UnstorableFact> Overlaps { get; } = [];

    /// <summary>
    /// Facts not claimed because a row of their slots holds what this platform does not write, with the reason naming it:
    /// set aside as unstorable (deterministic until the row is repaired), neither metered unchecked nor lost.
    /// </summary>
    public ConcurrentBag<UnstorableFact> Unreadable { get; } = [];

    /// <summary>Slots metered without the check, with why.</summary>
    public ConcurrentBag<ClaimNotice> Notices { get; } = [];

    /// <summary>Slots whose release storage refused, with why: the claims stay.</summary>
    public ConcurrentBag<ClaimNotice> ReleaseFailures { get; } = [];

    /// <summary>Facts whose window may be held for them now: released when they are not written after all.</summary>
    public ConcurrentDictionary<PendingFact, bool> Kept { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Kept facts whose window this append recorded (not found held under their id already): what a fact whose id is not
    /// claimed may release when its write finds another version of its id stored (<see cref="FactStore"/>).
    /// </summary>
    public ConcurrentDictionary<PendingFact, bool> Added { get; } = new(ReferenceEqualityComparer.Instance);

    public int Transactions => Volatile.Read(ref transactions);

    /// <summary>Overlapping facts found stored already (<see cref="FactStore"/>): redeliveries, never set aside.</summary>
    public int Duplicates => Volatile.Read(ref duplicates);

    public void Duplicate() => Interlocked.Increment(ref duplicates);

    public void Counted(int count) => Interlocked.Add(ref transactions, count);
}
