namespace Billing.Storage;

/// <summary>
/// One row of a slot of claimed windows (<see cref="IntervalClaims"/>, <see cref="ClaimSlot"/>): a UTC day of one (source,
/// lease, GPU model)'s compute intervals, row <c>d|{yyyyMMdd}</c> of the lease's partition, or one carrier session's windows,
/// row <c>s|{session}</c> (<see cref="UsageKey"/>); when it is full the slot's further rows <c>{slot}|01</c> … <c>|99</c>
/// (<see cref="Part"/>; at most <see cref="MaxRowsPerDay"/> rows a slot, as the usage key allows). Each
/// interval is a line <c>{start ticks}|{end ticks}|{key}</c>, the key being the claiming event's id escaped
/// (<see cref="TableKey.Escape"/>, so it holds neither <c>|</c> nor a line break) or, past <see cref="MaxKeyChars"/>, its
/// <see cref="TableKey.Digest"/>, and for a session the version too (<see cref="VersionKey"/>); the text is split over string properties <c>I0</c>, <c>I1</c>, … of at most
/// <see cref="FactStore.MaxRawChars"/> characters. A row holds at most <see cref="MaxIntervals"/> intervals and
/// <see cref="MaxChars"/> characters (about 570 KB of the entity's 1 MiB), so one transaction carries one or two full rows
/// within <see cref="FactStore.TransactionBudgetBytes"/> (and up to 100 short ones: a session's row holds a window or two).
/// </summary>
internal sealed class ClaimRow
{
    /// <summary>Intervals a row holds: one a minute of its day.</summary>
    public const int MaxIntervals = 1440;

    /// <summary>
    /// Rows a lease's day keeps at most (<see cref="MaxIntervals"/> intervals each: 144,000 intervals, one every 0.6 s, well
    /// above a lease reported every second); past them the lease's events of the day are metered without a claim and reported.
    /// </summary>
    public const int MaxRowsPerDay = 100;

    /// <summary>
    /// Characters a day row's intervals take at most: <see cref="MaxIntervals"/> of the longest lines (two 19-digit tick
    /// counts, a <see cref="MaxKeyChars"/> key, separators), so the interval count is the one cap, whatever the ids.
    /// </summary>
    public const int MaxChars = MaxIntervals * (19 + 1 + 19 + 1 + MaxKeyChars + 1 + VersionChars + 1);

    /// <summary>Longest escaped id kept in a row; a longer one is kept as its digest.</summary>
    public const int MaxKeyChars = 140;

    /// <summary>How many intervals the row holds.</summary>
    public const string CountProperty = "Count";

    /// <summary>Whether an event was metered unrecorded because the slot was full (since 2026-12-06).</summary>
    public const string CapProperty = "Cap";

    /// <summary>
    /// The cap flag as rows written before 2026-12-06 keep it, every one of them (an instance of that version writes it still,
    /// during a rolling deployment): <see cref="ReadFilter"/> therefore reads every such row, whatever it holds. Rows keep the
    /// same <see cref="CountProperty"/> as before, so that version reads the rows this one writes.
    /// </summary>
    public const string LegacyCapProperty = "CapReached";

    /// <summary>True while the row can take another interval: a read always takes it.</summary>
    public const string RoomProperty = "Room";

    /// <summary>The earliest start and the latest end (UTC ticks) of the row's intervals; absent while it holds none.</summary>
    public const string LoProperty = "Lo", HiProperty = "Hi";

    private readonly List<ClaimedInterval> intervals;
    private readonly HashSet<string> added = new(StringComparer.Ordinal);
    private int chars;

    private ClaimRow(string slot, int part, ETag? etag, List<ClaimedInterval> intervals, bool capReached, bool readable)
    {
        Slot = slot;
        Part = part;
        ETag = etag;
        this.intervals = intervals;
        chars = intervals.Sum(i => i.Chars);
        CapReached = capReached;
        Readable = readable;
    }

    /// <summary>The row key of the slot's first row (<see cref="DayKey"/>, <c>s|{session}</c>).</summary>
    public string Slot { get; }

    /// <summary>Which of the slot's rows this is: 0 for <c>{slot}</c>, n for <c>{slot}|{n:00}</c>.</summary>
    public int Part { get; }

    /// <summary>The stored row's ETag; null when there is no row yet.</summary>
    public ETag? ETag { get; }

    /// <summary>Whether the row changed since it was read (it is written back).</summary>
    public bool Changed { get; private set; }

    /// <summary>Whether an event was metered unchecked because the slot's rows were all full (recorded once, so it is reported once).</summary>
    public bool CapReached { get; private set; }

    /// <summary>False when the stored row holds what this platform never writes: it is checked as far as it reads, never written.</summary>
    public bool Readable { get; }

    public IReadOnlyList<ClaimedInterval> Intervals => intervals;

    /// <summary>The keys whose windows were added since the row was read (and are still in it).</summary>
    public IReadOnlyCollection<string> AddedKeys => added;

    /// <summary>The slot of a UTC day of a lease: <c>d|{yyyyMMdd}</c>; its parts sort in order, before the next day's rows.</summary>
    public static string DayKey(DateOnly day) => "d|" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The key of the slot's row <paramref name="part"/>.</summary>
    public static string RowKey(string slot, int part = 0) => part == 0 ? slot : slot + "|" + part.ToString("D2", CultureInfo.InvariantCulture);

    /// <summary>
    /// The slot and part a row key names (<c>{slot}</c> or <c>{slot}|{nn}</c>, a slot being a prefix and a key without
    /// <c>|</c>: <c>d|{yyyyMMdd}</c>, <c>s|{session}</c>); false for a key this platform does not write.
    /// </summary>
    public static bool TryParseRowKey(string rowKey, out string slot, out int part)
    {
        part = 0;
        slot = rowKey;
        int first = rowKey.IndexOf('|', StringComparison.Ordinal);
        if (first <= 0 || first == rowKey.Length - 1)
        {
            return false;
        }

        int second = rowKey.IndexOf('|', first + 1);
        if (second < 0)
        {
            return true;
        }

        slot = rowKey[..second];
        return rowKey.Length == second + 3 && second > first + 1
            && int.TryParse(rowKey.AsSpan(second + 1), NumberStyles.None, CultureInfo.InvariantCulture, out part) && part is > 0 and < MaxRowsPerDay;
    }

    /// <summary>The key an event's id is kept under.</summary>
    public static string Key(string id)
    {
        string escaped = TableKey.Escape(id);
        return escaped.Length <= MaxKeyChars ? escaped : TableKey.Digest(id);
    }

    /// <summary>Separates a key's id from its version (<see cref="VersionKey"/>): <see cref="TableKey.Escape"/> escapes it, and a digest has none.</summary>
    public const char VersionSeparator = '#';

    /// <summary>Hex digits of the content hash a <see cref="VersionKey"/> keeps: enough that two versions of one id never share one.</summary>
    public const int VersionChars = 16;

    /// <summary>
    /// The key of one version of an event: <see cref="Key"/>, <see cref="VersionSeparator"/>, the first <see cref="VersionChars"/>
    /// hex digits of its content hash (of that hash's digest when it is not hex, so the line stays one interval).
    /// </summary>
    public static string VersionKey(string id, string contentHash)
    {
        var start = contentHash.AsSpan(0, Math.Min(VersionChars, contentHash.Length));
        string version = start.Length == VersionChars && !start.ContainsAnyExcept(HexDigits) ? start.ToString() : TableKey.Digest(contentHash)[2..(2 + VersionChars)];
        return Key(id) + VersionSeparator + version;
    }

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>The id part of <paramref name="key"/> (<see cref="Key"/>), without a version (<see cref="VersionKey"/>).</summary>
    public static string IdPart(string key) => key.IndexOf(VersionSeparator, StringComparison.Ordinal) is var at and >= 0 ? key[..at] : key;

    public static ClaimRow Empty(string slot, int part = 0) => new(slot, part, null, [], false, true);

    /// <summary>
    /// The row as stored. It is <see cref="Readable"/> only as this platform writes it: text chunks <c>I0</c>, <c>I1</c>, …
    /// of interval lines, as many lines as its <see cref="CountProperty"/>. Anything else (a chunk of another type, a line that
    /// is no interval, a count that differs: planted, or changed outside the platform) is unreadable; what does read is still
    /// checked against.
    /// </summary>
    /// <param name="slot">The slot the row is of.</param>
    /// <param name="part">Which of the slot's rows it is.</param>
    /// <param name="row">The row as stored.</param>
    /// <param name="span">Whether rows of its kind keep a span (<see cref="Action"/>): one written by this version then has it.</param>
    public static ClaimRow Read(string slot, int part, TableEntity row, bool span = false)
    {
        var text = new StringBuilder();
        bool readable = true;
        for (int i = 0; row.TryGetValue("I" + i.ToString(CultureInfo.InvariantCulture), out object? chunk); i++)
        {
            if (chunk is string line)
            {
                text.Append(line);
            }
            else
            {
                readable = false; // read as nothing, the row would look empty, and be written over
            }
        }

        var intervals = new List<ClaimedInterval>();
        foreach (string line in text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = line.Split('|');
            if (parts.Length == 3 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long start)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long end) && parts[2].Length > 0)
            {
                intervals.Add(new ClaimedInterval(start, end, parts[2]));
            }
            else
            {
                readable = false; // planted: what reads is still checked against
            }
        }

        readable &= row.TryGetValue(CountProperty, out object? count) && count is int n && n == intervals.Count && SpanAgrees(row, intervals, span && !row.ContainsKey(LegacyCapProperty));
        bool capReached = (row.TryGetValue(CapProperty, out var cap) && cap is true) || (row.TryGetValue(LegacyCapProperty, out var legacy) && legacy is true);
        return new ClaimRow(slot, part, row.ETag, intervals, capReached, readable);
    }

    /// <summary>
    /// Whether the row's <see cref="RoomProperty"/>, <see cref="LoProperty"/> and <see cref="HiProperty"/>, where it has them,
    /// say what its lines do: the read filter trusts them, so a row whose span was changed outside the platform would be left
    /// out of the reads whose windows it holds. One that was read anyway is unreadable, and its slot records nothing more.
    /// <paramref name="required"/>: the row is of a kind that keeps a span, written as rows are since 2026-12-06 (no
    /// <see cref="LegacyCapProperty"/>), so a property missing was removed outside the platform.
    /// </summary>
    private static bool SpanAgrees(TableEntity row, List<ClaimedInterval> intervals, bool required)
    {
        bool room = row.TryGetValue(RoomProperty, out object? r) ? r is bool b && b == intervals.Count < MaxIntervals : !required;
        if (intervals.Count == 0)
        {
            return room && !row.ContainsKey(LoProperty) && !row.ContainsKey(HiProperty);
        }

        bool lo = row.TryGetValue(LoProperty, out object? l) ? l is long start && start == intervals.Min(i => i.StartTicks) : !required;
        bool hi = row.TryGetValue(HiProperty, out object? h) ? h is long end && end == intervals.Max(i => i.EndTicks) : !required;
        return room && lo && hi;
    }

    /// <summary>
    /// The rows a read of windows within <c>[<paramref name="start"/>, <paramref name="end"/>]</c> (UTC ticks) must take: those
    /// that can hold one of them or one they overlap (<see cref="LoProperty"/>, <see cref="HiProperty"/>), those with room
    /// (where a window goes), the one that recorded the slot's cap, and every row written as before 2026-12-06 (no bounds,
    /// <see cref="LegacyCapProperty"/>). A
    /// full row of other hours (most rows of a lease at its day's bound) is not read: it holds nothing the batch can
    /// overlap, nor its own claims. What the filter leaves out but the write needs (a full last row, so the next part is
    /// taken) shows as a conflict, and the next try reads every row.
    /// </summary>
    public static FormattableString ReadFilter(long start, long end) =>
        $"Room eq {true} or Cap eq {true} or (Lo le {end} and Hi ge {start}) or CapReached eq {true} or CapReached eq {false}"; // the properties' names as written (above)

    /// <summary>Whether the row has no room for <paramref name="interval"/>.</summary>
    public bool IsFull(ClaimedInterval interval) => !Readable || intervals.Count >= MaxIntervals || chars + interval.Chars > MaxChars;

    public bool Holds(string key) => intervals.Exists(i => i.Key == key);

    /// <summary>The first window of another event that <see cref="ClaimedInterval.Covers"/> <c>[start, end)</c>, if any.</summary>
    public ClaimedInterval? FirstOverlap(long start, long end, string key)
    {
        foreach (var i in intervals)
        {
            if (i.Key != key && i.Covers(start, end))
            {
                return i;
            }
        }

        return null;
    }

    public void Add(ClaimedInterval interval)
    {
        intervals.Add(interval);
        added.Add(interval.Key);
        chars += interval.Chars;
        Changed = true;
    }

    /// <summary>Removes the intervals of <paramref name="key"/>; false when it held none.</summary>
    public bool Remove(string key)
    {
        int removed = intervals.RemoveAll(i => i.Key == key);
        added.Remove(key);
        chars = intervals.Sum(i => i.Chars);
        Changed |= removed > 0;
        return removed > 0;
    }

    /// <summary>Records (on the slot's last row) that an event was metered unchecked; true the first time (the one time it is reported).</summary>
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

    /// <summary>
    /// The transaction action writing the row back: an insert for a new row, else a replace conditioned on its ETag.
    /// <paramref name="span"/>: whether the row keeps what <see cref="ReadFilter"/> reads by (a lease's day rows); a carrier
    /// session's row is read by its key alone, and leaves them out (about 200 bytes a session on the busiest path).
    /// </summary>
    public TableTransactionAction Action(string partitionKey, bool span = true)
    {
        var entity = new TableEntity(partitionKey, RowKey(Slot, Part)) { [CountProperty] = intervals.Count, [CapProperty] = CapReached };
        if (span)
        {
            entity[RoomProperty] = intervals.Count < MaxIntervals;
        }

        if (span && intervals.Count > 0)
        {
            entity[LoProperty] = intervals.Min(i => i.StartTicks);
            entity[HiProperty] = intervals.Max(i => i.EndTicks);
        }

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
