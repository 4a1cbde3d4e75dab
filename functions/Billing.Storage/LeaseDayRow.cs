namespace Billing.Storage;

/// <summary>
/// One UTC day of one (source, lease)'s claimed compute intervals (<see cref="LeaseIntervalClaims"/>): row
/// <c>d|{yyyyMMdd}</c> of the lease's partition. Each interval is a line <c>{start ticks}|{end ticks}|{key}</c>, the key
/// being the claiming event's id escaped (<see cref="TableKey.Escape"/>, so it holds neither <c>|</c> nor a line break)
/// or, past <see cref="MaxKeyChars"/>, its <see cref="TableKey.Digest"/>; the text is split over string properties
/// <c>I0</c>, <c>I1</c>, … of at most <see cref="FactStore.MaxRawChars"/> characters. A row holds at most
/// <see cref="MaxIntervals"/> intervals and <see cref="MaxChars"/> characters (about 520 KB of the entity's 1 MiB), so one
/// transaction carries one or two rows within <see cref="FactStore.TransactionBudgetBytes"/>.
/// </summary>
internal sealed class LeaseDayRow
{
    /// <summary>Intervals a day row holds: one a minute.</summary>
    public const int MaxIntervals = 1440;

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

    private LeaseDayRow(DateOnly day, ETag? etag, List<LeaseInterval> intervals, bool capReached, bool readable)
    {
        Day = day;
        ETag = etag;
        this.intervals = intervals;
        chars = intervals.Sum(i => i.Chars);
        CapReached = capReached;
        Readable = readable;
    }

    public DateOnly Day { get; }

    /// <summary>The stored row's ETag; null when there is no row yet.</summary>
    public ETag? ETag { get; }

    /// <summary>Whether the row changed since it was read (it is written back).</summary>
    public bool Changed { get; private set; }

    /// <summary>Whether an event was metered unchecked because the row was full (recorded once, so it is reported once).</summary>
    public bool CapReached { get; private set; }

    /// <summary>False when the stored row holds what this platform never writes: it is checked as far as it reads, never written.</summary>
    public bool Readable { get; }

    public IReadOnlyList<LeaseInterval> Intervals => intervals;

    public static string RowKey(DateOnly day) => "d|" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The key an event's id is kept under.</summary>
    public static string Key(string id)
    {
        string escaped = TableKey.Escape(id);
        return escaped.Length <= MaxKeyChars ? escaped : TableKey.Digest(id);
    }

    public static LeaseDayRow Empty(DateOnly day) => new(day, null, [], false, true);

    public static LeaseDayRow Read(DateOnly day, TableEntity row)
    {
        var text = new StringBuilder();
        for (int i = 0; EntityText.Of(row, "I" + i.ToString(CultureInfo.InvariantCulture)) is { } part; i++)
        {
            text.Append(part);
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

        return new LeaseDayRow(day, row.ETag, intervals, row.TryGetValue(CapProperty, out var cap) && cap is true, readable);
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

    /// <summary>Records that an event was metered unchecked; true the first time (the one time it is reported).</summary>
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
        var entity = new TableEntity(partitionKey, RowKey(Day)) { ["Count"] = intervals.Count, [CapProperty] = CapReached };
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
