namespace Billing.Domain.Metering;

/// <summary>
/// Folds facts into quantities per window and group for one meter. Memory grows with windows × groups, not facts; a
/// <see cref="UsageRowBudget"/> bounds them (a usage query's), counting each row as it is made. Safe to fill from several
/// threads at once (a usage query's shards add to one rollup as they read: one copy of the answer, whatever the shards).
/// </summary>
public sealed class UsageRollup
{
    private readonly MeterDefinition meter;
    private readonly IReadOnlyList<string> groupBy;
    private readonly UsageWindow window;
    private readonly UsageRowBudget? budget;
    private readonly Dictionary<(DateTimeOffset, string), Cell> buckets = [];
    private readonly Lock gate = new();

    public UsageRollup(MeterDefinition meter, UsageWindow window, IReadOnlyList<string> groupBy, UsageRowBudget? budget = null)
    {
        var unknown = groupBy.Where(g => !meter.Dimensions.Contains(g)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"meter '{meter.Name}' cannot be grouped by {string.Join(", ", unknown)}; dimensions: {string.Join(", ", meter.Dimensions)}", nameof(groupBy));
        }

        if (groupBy.Distinct(StringComparer.Ordinal).Count() != groupBy.Count)
        {
            throw new ArgumentException($"groupBy names a dimension twice: {string.Join(", ", groupBy)}", nameof(groupBy));
        }

        this.meter = meter;
        this.window = window;
        this.groupBy = groupBy;
        this.budget = budget;
    }

    public static DateTimeOffset WindowStart(DateTimeOffset time, UsageWindow window)
    {
        var t = time.UtcDateTime;
        return window switch
        {
            UsageWindow.Hour => new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero),
            UsageWindow.Day => new DateTimeOffset(t.Year, t.Month, t.Day, 0, 0, 0, TimeSpan.Zero),
            _ => new DateTimeOffset(t.Year, t.Month, 1, 0, 0, 0, TimeSpan.Zero),
        };
    }

    /// <summary>
    /// The first start of a <paramref name="window"/> at or after <paramref name="time"/>; null when that window would
    /// start past <see cref="DateTimeOffset.MaxValue"/> (a query ending in December 9999 has no whole month after its start).
    /// </summary>
    public static DateTimeOffset? WindowStartAtOrAfter(DateTimeOffset time, UsageWindow window)
    {
        var start = WindowStart(time, window);
        return start == time ? start : start == WindowStart(DateTimeOffset.MaxValue, window) ? null : WindowEnd(start, window);
    }

    /// <summary>The start of the window after the one starting at <paramref name="start"/>.</summary>
    public static DateTimeOffset WindowEnd(DateTimeOffset start, UsageWindow window) => window switch
    {
        UsageWindow.Hour => start.AddHours(1),
        UsageWindow.Day => start.AddDays(1),
        _ => start.AddMonths(1),
    };

    public void Add(UsageFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        if (fact.Quantity(meter.Name) is not { } quantity)
        {
            return;
        }

        var (key, values) = KeyOf(fact.Time, d => fact.Dimension(meter.Name, d));
        string? distinct = meter.Aggregation == Aggregation.UniqueCount ? fact.Reading(meter.Name)?.Distinct : null;
        lock (gate)
        {
            var cell = CellFor(key, values);
            switch (meter.Aggregation)
            {
                case Aggregation.Max:
                    cell.Quantity = cell.Seen ? Int128.Max(cell.Quantity, quantity) : quantity;
                    break;
                case Aggregation.Latest:
                    if (!cell.Seen || Later(fact.Time, fact.Id, cell.LatestTime, cell.LatestId))
                    {
                        (cell.Quantity, cell.LatestTime, cell.LatestId) = (quantity, fact.Time, fact.Id);
                    }

                    break;
                case Aggregation.UniqueCount:
                    if (distinct is not null)
                    {
                        cell.AddDistinct(distinct);
                    }

                    break;
                default:
                    cell.Quantity = checked(cell.Quantity + quantity);
                    break;
            }

            cell.Seen = true;
        }
    }

    /// <summary>Adds a quantity already summed over <paramref name="time"/>'s window or a finer one (a rollup bucket's sum; SUM and COUNT meters).</summary>
    public void Add(DateTimeOffset time, Func<string, string?> dimension, Int128 quantity)
    {
        ArgumentNullException.ThrowIfNull(dimension);
        var (key, values) = KeyOf(time, dimension);
        lock (gate)
        {
            var cell = CellFor(key, values);
            cell.Quantity = checked(cell.Quantity + quantity);
            cell.Seen = true;
        }
    }

    /// <summary>Adds a distinct value seen in <paramref name="time"/>'s window (a UNIQUE_COUNT marker; a value already there counts once).</summary>
    public void AddDistinct(DateTimeOffset time, Func<string, string?> dimension, string value)
    {
        ArgumentNullException.ThrowIfNull(dimension);
        ArgumentNullException.ThrowIfNull(value);
        var (key, values) = KeyOf(time, dimension);
        lock (gate)
        {
            var cell = CellFor(key, values);
            cell.AddDistinct(value);
            cell.Seen = true;
        }
    }

    public IReadOnlyList<UsageRow> Rows()
    {
        lock (gate)
        {
            return buckets
                .OrderBy(kv => kv.Key.Item1)
                .ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal)
                .Select(kv => new UsageRow(kv.Key.Item1, groupBy.Select((g, i) => (g, kv.Value.Values[i])).ToDictionary(x => x.g, x => x.Item2), kv.Value.Quantity))
                .ToList();
        }
    }

    /// <summary>LATEST's order: by time, then by event id (ordinal).</summary>
    private static bool Later(DateTimeOffset time, string id, DateTimeOffset thanTime, string thanId) =>
        time > thanTime || (time == thanTime && string.CompareOrdinal(id, thanId) > 0);

    private ((DateTimeOffset, string) Key, string[] Values) KeyOf(DateTimeOffset time, Func<string, string?> dimension)
    {
        var values = new string[groupBy.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = dimension(groupBy[i]) ?? "";
        }

        return ((WindowStart(time, window), string.Join('\u001f', values)), values);
    }

    /// <summary>The row of <paramref name="key"/>, made (and counted against the budget) when new; under <see cref="gate"/>.</summary>
    private Cell CellFor((DateTimeOffset, string) key, string[] values)
    {
        if (!buckets.TryGetValue(key, out var cell))
        {
            budget?.Claim(buckets.Count + 1);
            buckets[key] = cell = new Cell(values);
        }

        return cell;
    }

    private sealed class Cell(string[] values)
    {
        public string[] Values { get; } = values;

        public bool Seen { get; set; }

        public Int128 Quantity { get; set; }

        public DateTimeOffset LatestTime { get; set; }

        public string LatestId { get; set; } = "";

        private HashSet<string>? distinct;

        /// <summary>A distinct value (one already there counts once); the quantity is how many there are.</summary>
        public void AddDistinct(string value)
        {
            (distinct ??= new HashSet<string>(StringComparer.Ordinal)).Add(value);
            Quantity = distinct.Count;
        }
    }
}
