namespace Billing.Storage;

/// <summary>
/// One claimed window <c>[StartTicks, EndTicks)</c> (UTC ticks) of a usage key (a compute lease, a carrier session:
/// <see cref="UsageKey"/>) and the key of the event that claimed it (<see cref="ClaimRow"/>).
/// </summary>
internal readonly record struct ClaimedInterval(long StartTicks, long EndTicks, string Key)
{
    /// <summary>The interval as a line of its row.</summary>
    public string Line => string.Create(CultureInfo.InvariantCulture, $"{StartTicks}|{EndTicks}|{Key}\n");

    /// <summary>Characters of <see cref="Line"/>.</summary>
    public int Chars => Line.Length;

    public DateTimeOffset Start => new(StartTicks, TimeSpan.Zero);

    public DateTimeOffset End => new(EndTicks, TimeSpan.Zero);

    /// <summary>The claiming event's id, as far as the row keeps it (a long id only as its digest).</summary>
    public string EventId => ClaimRow.IdPart(Key) is var key && key.StartsWith("%h", StringComparison.Ordinal)
        ? $"with id digest {key}" : $"'{(TableKey.TryUnescape(key, out string id) ? id : key)}'";

    /// <summary>
    /// Whether <c>[start, end)</c> is the same usage as this window: they overlap (adjacent ones do not), or both are the
    /// same instant (a zero-length carrier session sent twice overlaps nothing, yet is one session).
    /// </summary>
    public bool Covers(long start, long end) => (StartTicks < end && start < EndTicks) || (StartTicks == start && EndTicks == end);
}
