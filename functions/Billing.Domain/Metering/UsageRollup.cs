namespace Billing.Domain.Metering;

/// <summary>
/// Folds facts into quantities per window and group for one meter. Memory grows with windows × groups, not facts.
/// </summary>
public sealed class UsageRollup
{
    private readonly MeterDefinition meter;
    private readonly IReadOnlyList<string> groupBy;
    private readonly UsageWindow window;
    private readonly Dictionary<(DateTimeOffset, string), (string[] Values, Int128 Quantity)> buckets = [];

    public UsageRollup(MeterDefinition meter, UsageWindow window, IReadOnlyList<string> groupBy)
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

    public void Add(UsageFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        if (fact.Quantity(meter.Name) is { } quantity)
        {
            Add(fact.Time, fact.Dimension, quantity);
        }
    }

    /// <summary>Adds a quantity already summed over <paramref name="time"/>'s window or a finer one (a rollup bucket's sum).</summary>
    public void Add(DateTimeOffset time, Func<string, string?> dimension, Int128 quantity)
    {
        ArgumentNullException.ThrowIfNull(dimension);
        var values = new string[groupBy.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = dimension(groupBy[i]) ?? "";
        }

        var key = (WindowStart(time, window), string.Join('\u001f', values));
        buckets[key] = buckets.TryGetValue(key, out var b) ? (b.Values, checked(b.Quantity + quantity)) : (values, quantity);
    }

    public IReadOnlyList<UsageRow> Rows() => buckets
        .OrderBy(kv => kv.Key.Item1)
        .ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal)
        .Select(kv => new UsageRow(kv.Key.Item1, groupBy.Select((g, i) => (g, kv.Value.Values[i])).ToDictionary(x => x.g, x => x.Item2), kv.Value.Quantity))
        .ToList();

    /// <summary>Adds the sums of another rollup of the same meter, window and grouping (e.g. one shard's).</summary>
    public void Merge(UsageRollup other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (key, (values, quantity)) in other.buckets)
        {
            buckets[key] = buckets.TryGetValue(key, out var b) ? (b.Values, checked(b.Quantity + quantity)) : (values, quantity);
        }
    }
}
