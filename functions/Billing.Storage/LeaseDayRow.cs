namespace Billing.Storage;

/// <summary>
/// One row of a UTC day of one (source, lease, GPU model)'s claimed compute intervals (<see cref="LeaseIntervalClaims"/>,
/// <see cref="LeaseDay"/>): row <c>d|{yyyyMMdd}</c> of the lease's partition, and when it is full the day's further rows
/// <c>d|{yyyyMMdd}|01</c> … <c>|99</c> (<see cref="Part"/>; at most <see cref="MaxRowsPerDay"/> rows a day). Each
/// interval is a line <c>{start ticks}|{end ticks}|{key}</c>, the key being the claiming event's id escaped
/// (<see cref="TableKey.Escape"/>, so it holds neither <c>|</c> nor a line break) or, past <see cref="MaxKeyChars"/>, its
/// <see cref="TableKey.Digest"/>; the text is split over string properties <c>I0</c>, <c>I1</c>, … of at most
/// <see cref="FactStore.MaxRawChars"/> characters. A row holds at most <see cref="MaxIntervals"/> intervals and
/// <see cref="MaxChars"/> characters (about 520 KB of the entity's 1 MiB), so one transaction carries one or two rows
/// within <see cref="FactStore.TransactionBudgetBytes"/>.
/// </summary>
internal sealed class LeaseDayRow
{
    /// <summary>Intervals a row holds: one a minute of its day.</summary>
    public const int MaxIntervals = 1440;

    /// <summary>
    /// Rows a day keeps at most (<see cref="MaxIntervals"/> intervals each: 144,000 intervals, one every 0.6 s, well above a
    /// lease reported every second); past them the lease's events of the day are metered without a claim and reported.
    /// </summary>
    public const int MaxRowsPerDay = 100;

    /// <summary>
    /// Characters a day row's intervals take at most: <see cref="MaxIntervals"/> of the longest lines (two 19-digit tick
    /// counts, a <see cref="MaxKeyChars"/> key, separators), so the interval count is the one cap, whatever the ids.
    /// </summary>
    public const int MaxChars = MaxIntervals * (19 + 1 + 19 + 1 + MaxKeyChars + 1);

    /// <summary>Longest escaped id kept in a row; a longer one is kept as its digest.</summary>
    public const int MaxKeyChars = 140;

    private const string CapProperty = "CapReached";

    private readonly List<LeaseInterval> intervals;
    private int chars;

    private LeaseDayRow(DateOnly day, int part, ETag? etag, List<LeaseInterval> intervals, bool capReached, bool readable)
    {
        Day = day;
        Part = part;
        ETag = etag;
        this.intervals = intervals;
        chars = intervals.Sum(i => i.Chars);
        CapReached = capReached;
        Readable = readable;
    }

    public DateOnly Day { get; }

    /// <summary>Which of the day's rows this is: 0 for <c>d|{yyyyMMdd}</c>, n for <c>d|{yyyyMMdd}|{n:00}</c>.</summary>
    public int Part { get; }

    /// <summary>The stored row's ETag; null when there is no row yet.</summary>
    public ETag? ETag { get; }

    /// <summary>Whether the row changed since it was read (it is written back).</summary>
    public bool Changed { get; private set; }

    /// <summary>Whether an event was metered unchecked because the day's rows were all full (recorded once, so it is reported once).</summary>
    public bool CapReached { get; private set; }

    /// <summary>False when the stored row holds what this platform never writes: it is checked as far as it reads, never written.</summary>
    public bool Readable { get; }

    public IReadOnlyList<LeaseInterval> Intervals => intervals;

    /// <summary>The key of the day's row <paramref name="part"/>: the parts of a day sort in order, before the next day's rows.</summary>
    public static string RowKey(DateOnly day, int part = 0) =>
        "d|" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + (part == 0 ? "" : "|" + part.ToString("D2", CultureInfo.InvariantCulture));

    /// <summary>The day and part a row key names; false for a key this platform does not write.</summary>
    public static bool TryParseRowKey(string rowKey, out DateOnly day, out int part)
    {
        part = 0;
        day = default;
        if (rowKey.Length is not (10 or 13) || !rowKey.StartsWith("d|", StringComparison.Ordinal)
            || !DateOnly.TryParseExact(rowKey.AsSpan(2, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            return false;
        }

        return rowKey.Length == 10 || (rowKey[10] == '|'
            && int.TryParse(rowKey.AsSpan(11), NumberStyles.None, CultureInfo.InvariantCulture, out part) && part is > 0 and < MaxRowsPerDay);
    }

    /// <summary>The key an event's id is kept under.</summary>
    public static string Key(string id)
    {
        string escaped = TableKey.Escape(id);
        return escaped.Length <= MaxKeyChars ? escaped : TableKey.Digest(id);
    }

    public static LeaseDayRow Empty(DateOnly day, int part = 0) => new(day, part, null, [], false, true);

    public static LeaseDayRow Read(DateOnly day, int part, TableEntity row)
    {
        var text = new StringBuilder();
        for (int i = 0; EntityText.Of(row, "I" + i.ToString(CultureInfo.InvariantCulture)) is { } chunk; i++)
        {
            text.Append(chunk);
        }

        var intervals = new List<LeaseInterval>();
        bool readable = true;
        foreach (string line in text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = line.Split('|');
            if (parts.Length == 3 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long start)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long end) && parts[2].Length > 0)
            {
                intervals.Add(new LeaseInterval(start, end, parts[2]));
            }
            else
            {
                readable = false; // planted: what reads is still checked against
            }
        }

        return new LeaseDayRow(day, part, row.ETag, intervals, row.TryGetValue(CapProperty, out var cap) && cap is true, readable);
    }

    /// <summary>Whether the row has no room for <paramref name="interval"/>.</summary>
    public bool IsFull(LeaseInterval interval) => !Readable || intervals.Count >= MaxIntervals || chars + interval.Chars > MaxChars;

    public bool Holds(string key) => intervals.Exists(i => i.Key == key);

    /// <summary>The first interval of another event that overlaps <c>[start, end)</c>, if any (adjacent ones do not).</summary>
    public LeaseInterval? FirstOverlap(long start, long end, string key)
    {
        foreach (var i in intervals)
        {
            if (i.Key != key && i.StartTicks < end && start < i.EndTicks)
            {
                return i;
            }
        }

        return null;
    }

    public void Add(LeaseInterval interval)
    {
        intervals.Add(interval);
        chars += interval.Chars;
        Changed = true;
    }

    /// <summary>Removes the intervals of <paramref name="key"/>; false when it held none.</summary>
    public bool Remove(string key)
    {
        int removed = intervals.RemoveAll(i => i.Key == key);
        chars = intervals.Sum(i => i.Chars);
        Changed |= removed > 0;
        return removed > 0;
    }

    /// <summary>Records (on the day's last row) that an event was metered unchecked; true the first time (the one time it is reported).</summary>
    public bool MarkCapReached()
    {
        if (CapReached || !Readable)
        {
            return false;
        }

        CapReached = true;
        Changed = true;
        return true;
    }

    /// <summary>The transaction action writing the row back: an insert for a new row, else a replace conditioned on its ETag.</summary>
    public TableTransactionAction Action(string partitionKey)
    {
        var entity = new TableEntity(partitionKey, RowKey(Day, Part)) { ["Count"] = intervals.Count, [CapProperty] = CapReached };
        int n = 0;
        foreach (string part in TextChunks.Split(string.Concat(intervals.Select(i => i.Line)), FactStore.MaxRawChars))
        {
            entity["I" + n++.ToString(CultureInfo.InvariantCulture)] = part;
        }

        return ETag is { } etag
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, etag)
            : new TableTransactionAction(TableTransactionActionType.Add, entity);
    }

    /// <summary>A high estimate of the row's bytes on the wire (every character a six-byte JSON escape).</summary>
    public long WireBytes => (6L * chars) + 1024;
}
