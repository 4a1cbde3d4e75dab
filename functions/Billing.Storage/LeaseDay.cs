namespace Billing.Storage;

/// <summary>
/// One UTC day of one (source, lease, GPU model)'s claimed compute intervals (<see cref="LeaseIntervalClaims"/>): its rows
/// (<see cref="LeaseDayRow"/>) in part order. An interval is recorded in one row of the day, the first with room, or a
/// new row after the last when none has; the day is full at <see cref="LeaseDayRow.MaxRowsPerDay"/> full rows, or when a
/// row holds what this platform does not write (never rewritten: what it holds is lost to no one).
/// </summary>
internal sealed class LeaseDay(DateOnly day)
{
    private readonly List<LeaseDayRow> rows = [];

    public DateOnly Day => day;

    /// <summary>The rows read or added, in part order.</summary>
    public IReadOnlyList<LeaseDayRow> Rows => rows;

    /// <summary>Intervals the day holds.</summary>
    public int Count => rows.Sum(r => r.Intervals.Count);

    /// <summary>Adds a row read from storage, keeping part order whatever order the rows came in.</summary>
    public void Put(LeaseDayRow row)
    {
        int at = rows.FindIndex(r => r.Part > row.Part);
        rows.Insert(at < 0 ? rows.Count : at, row);
    }

    public bool Holds(string key) => rows.Exists(r => r.Holds(key));

    /// <summary>The first interval of another event that overlaps <c>[start, end)</c>, if any (adjacent ones do not).</summary>
    public LeaseInterval? FirstOverlap(long start, long end, string key)
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

    /// <summary>Removes the intervals of <paramref name="key"/> from every row.</summary>
    public void Remove(string key)
    {
        foreach (var row in rows)
        {
            row.Remove(key);
        }
    }

    /// <summary>Whether <paramref name="interval"/> can be recorded: every row readable, and one with room or a part left.</summary>
    public bool HasRoom(LeaseInterval interval) =>
        rows.TrueForAll(r => r.Readable) && (rows.Exists(r => !r.IsFull(interval)) || NextPart < LeaseDayRow.MaxRowsPerDay);

    /// <summary>Records <paramref name="interval"/> in the first row with room, or a new row after the last (<see cref="HasRoom"/> first).</summary>
    public void Add(LeaseInterval interval)
    {
        if (rows.Find(r => !r.IsFull(interval)) is not { } row)
        {
            row = LeaseDayRow.Empty(day, NextPart);
            rows.Add(row);
        }

        row.Add(interval);
    }

    /// <summary>
    /// Why an interval cannot be recorded (<see cref="HasRoom"/>), the first time it is told for this day (a full day's
    /// last row records that it was told; a row this platform did not write is told every time); null when it was told already.
    /// </summary>
    public string? Full()
    {
        if (rows.Find(r => !r.Readable) is not null)
        {
            return "its day row holds what this platform does not write";
        }

        return rows[^1].MarkCapReached()
            ? $"its day holds {Count} intervals in {rows.Count} rows, the most one day keeps ({LeaseDayRow.MaxRowsPerDay} rows of up to {LeaseDayRow.MaxIntervals} intervals, {LeaseDayRow.MaxChars} characters)"
            : null;
    }

    private int NextPart => rows.Count == 0 ? 0 : rows[^1].Part + 1;
}
