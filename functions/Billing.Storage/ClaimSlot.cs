namespace Billing.Storage;

/// <summary>
/// One slot of claimed windows (<see cref="IntervalClaims"/>): a UTC day of one (source, lease, GPU model), or one carrier
/// session (<see cref="UsageKey"/>), as its rows (<see cref="ClaimRow"/>) in part order. A window is recorded in one row of
/// the slot, the first with room, or a new row after the last when none has; the slot is full at
/// <paramref name="maxRows"/> full rows. A slot with a row this platform did not write (<see cref="Unreadable"/>) records
/// nothing: the row is never rewritten (what it holds is lost to no one), and its new events are set aside, not metered
/// unchecked (<see cref="IntervalClaims"/>).
/// </summary>
/// <param name="slot">The row key of the slot's first row.</param>
/// <param name="maxRows">Rows the slot may have (<see cref="ClaimRow.MaxRowsPerDay"/> for a lease's day).</param>
/// <param name="noun">What the slot is, in a notice: "day", "session".</param>
internal sealed class ClaimSlot(string slot, int maxRows, string noun)
{
    private readonly List<ClaimRow> rows = [];

    public string Slot => slot;

    /// <summary>The rows read or added, in part order.</summary>
    public IReadOnlyList<ClaimRow> Rows => rows;

    /// <summary>Adds a row read from storage, keeping part order whatever order the rows came in.</summary>
    public void Put(ClaimRow row)
    {
        int at = rows.FindIndex(r => r.Part > row.Part);
        rows.Insert(at < 0 ? rows.Count : at, row);
    }

    public bool Holds(string key) => rows.Exists(r => r.Holds(key));

    /// <summary>The first row that holds what this platform does not write (<see cref="ClaimRow.Readable"/>), if any.</summary>
    public ClaimRow? Unreadable => rows.Find(r => !r.Readable);

    /// <summary>The first window of another event that covers <c>[start, end)</c>, if any (<see cref="ClaimedInterval.Covers"/>).</summary>
    public ClaimedInterval? FirstOverlap(long start, long end, string key)
    {
        foreach (var row in rows)
        {
            if (row.FirstOverlap(start, end, key) is { } other)
            {
                return other;
            }
        }

        return null;
    }

    /// <summary>Removes the windows of <paramref name="key"/> from every row.</summary>
    public void Remove(string key)
    {
        foreach (var row in rows)
        {
            row.Remove(key);
        }
    }

    /// <summary>Whether <paramref name="interval"/> can be recorded: every row readable, and one with room or a part left.</summary>
    public bool HasRoom(ClaimedInterval interval) =>
        rows.TrueForAll(r => r.Readable) && (rows.Exists(r => !r.IsFull(interval)) || NextPart < maxRows);

    /// <summary>Records <paramref name="interval"/> in the first row with room, or a new row after the last (<see cref="HasRoom"/> first).</summary>
    public void Add(ClaimedInterval interval)
    {
        if (rows.Find(r => !r.IsFull(interval)) is not { } row)
        {
            row = ClaimRow.Empty(slot, NextPart);
            rows.Add(row);
        }

        row.Add(interval);
    }

    /// <summary>
    /// Why a window cannot be recorded in a readable slot (<see cref="HasRoom"/>), the first time it is told for this slot
    /// (its last row records that it was told); null when it was told already.
    /// </summary>
    public string? Full() => rows[^1].MarkCapReached()
        ? $"its {noun} holds its intervals in {rows[^1].Part + 1} rows, every one full, the most one {noun} keeps ({maxRows} rows of up to {ClaimRow.MaxIntervals} intervals, {ClaimRow.MaxChars} characters)"
        : null; // the rows read may be fewer (a read takes only the rows a batch can touch): parts are added in order, so the last one counts them

    private int NextPart => rows.Count == 0 ? 0 : rows[^1].Part + 1;
}
