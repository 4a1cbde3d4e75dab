namespace Billing.Storage;

/// <summary>What <see cref="LeaseIntervalClaims"/> decided for one append: shared by its parallel lease groups.</summary>
internal sealed class LeaseClaimLog
{
    private int transactions;
    private int duplicates;

    /// <summary>Facts set aside because their interval overlaps another event's claimed first, with the reason.</summary>
    public ConcurrentBag<UnstorableFact> Overlaps { get; } = [];

    /// <summary>Lease days metered without the check, with why.</summary>
    public ConcurrentBag<LeaseDayNotice> Notices { get; } = [];

    /// <summary>Lease days whose release storage refused, with why: the claims stay.</summary>
    public ConcurrentBag<LeaseDayNotice> ReleaseFailures { get; } = [];

    /// <summary>Facts whose interval may be held for them now: released when they are not written after all.</summary>
    public ConcurrentDictionary<PendingFact, bool> Kept { get; } = new(ReferenceEqualityComparer.Instance);

    public int Transactions => Volatile.Read(ref transactions);

    /// <summary>Overlapping facts found stored already (<see cref="FactStore"/>): redeliveries, never set aside.</summary>
    public int Duplicates => Volatile.Read(ref duplicates);

    public void Duplicate() => Interlocked.Increment(ref duplicates);

    public void Counted(int count) => Interlocked.Add(ref transactions, count);
}
