namespace Billing.Storage;

/// <summary>
/// What one kind of usage claims in <see cref="IntervalClaims"/>: the facts it applies to, the partition their claims
/// share, the slots (rows) a fact's window is recorded in, how a group's slots are read, and what a fact set aside is
/// told. Two kinds: a compute lease's GPU intervals (<see cref="LeaseUsageKey"/>) and a carrier session's offload windows
/// (<see cref="SessionUsageKey"/>); the claiming itself (order, overlap, ETags, release) is the same for both.
/// </summary>
internal abstract class UsageKey
{
    /// <summary>Whether <paramref name="fact"/> claims a window of this kind (read from an event: its window known).</summary>
    public abstract bool Applies(UsageFact fact);

    /// <summary>The partition of the fact's claims: facts of one partition are decided together and written in its transactions.</summary>
    public abstract string PartitionKey(UsageFact fact);

    /// <summary>The slots (first row keys, <see cref="ClaimRow.TryParseRowKey"/>) the fact's window is recorded in, in row-key order.</summary>
    public abstract IEnumerable<string> Slots(UsageFact fact);

    /// <summary>The key the fact's window is claimed under in its slots' rows: the event's id (<see cref="ClaimRow.Key"/>).</summary>
    public virtual string ClaimKey(UsageFact fact) => ClaimRow.Key(fact.Id);

    /// <summary>
    /// The key rows written before <see cref="ClaimKey"/> changed keep the fact's window under, held as its own; null when it
    /// never changed.
    /// </summary>
    public virtual string? EarlierClaimKey(UsageFact fact) => null;

    /// <summary>Whether <paramref name="slot"/> holds the fact's own claim (<see cref="ClaimKey"/>, or <see cref="EarlierClaimKey"/>).</summary>
    public bool HoldsOwn(ClaimSlot slot, UsageFact fact) => slot.Holds(ClaimKey(fact)) || (EarlierClaimKey(fact) is { } earlier && slot.Holds(earlier));

    /// <summary>The fact's window <c>[start, end)</c> in UTC ticks.</summary>
    public abstract (long Start, long End) Window(UsageFact fact);

    /// <summary>
    /// Whether a group's first try writes without reading, as if none of its slots had rows: for keys that are nearly always
    /// new (a session is reported once or a few times), a batch's claims then cost its transactions alone; a slot that has
    /// a row fails the transaction (409) and the group reads and decides again.
    /// </summary>
    public abstract bool Optimistic { get; }

    /// <summary>Whether <see cref="ReadAsync"/> may leave rows out by their span (<see cref="ClaimRow.ReadFilter"/>): its rows then keep one.</summary>
    public abstract bool FiltersReads { get; }

    /// <summary>A slot as read: empty, with its rows bound as this kind allows.</summary>
    public abstract ClaimSlot NewSlot(string slot);

    /// <summary>
    /// Reads the rows of <paramref name="slots"/> (every one of them a key of the result, rowless ones empty); given
    /// <paramref name="span"/> (the group's windows, UTC ticks), a key may leave out the rows none of them can touch
    /// (<see cref="ClaimRow.ReadFilter"/>).
    /// </summary>
    public abstract Task<Dictionary<string, ClaimSlot>> ReadAsync(TableClient table, string partitionKey, IReadOnlyList<string> slots, (long Start, long End)? span,
        CancellationToken cancellationToken);

    /// <summary>Storage requests <see cref="ReadAsync"/> makes for <paramref name="slots"/> slots (counted in <see cref="AppendResult.Transactions"/>).</summary>
    public abstract int Reads(int slots);

    /// <summary>The quarantine reason of <paramref name="fact"/>, whose window <paramref name="other"/> (another event's) covers.</summary>
    public abstract string Reason(UsageFact fact, ClaimedInterval other);

    /// <summary>The usage of <paramref name="fact"/> in <paramref name="slot"/>, as a log names it (<see cref="ClaimNotice.Usage"/>).</summary>
    public abstract string Describe(UsageFact fact, string slot);

    /// <summary>An instant as the reasons write it.</summary>
    protected static string Text(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
