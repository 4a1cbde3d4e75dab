namespace Billing.Domain.Metering.Rollups;

/// <summary>
/// Which rollup grains answer a usage query over <c>[from, to)</c> by <c>window</c> and <c>groupBy</c> (docs/design.md §6):
/// the coarsest grain that divides the window covers the aligned middle, finer grains the edges, and what is not aligned
/// to an hour is read from facts (a segment with no grain).
/// </summary>
public static class RollupPlan
{
    public static IReadOnlyList<RollupSegment> Segments(DateTimeOffset from, DateTimeOffset to, UsageWindow window, IReadOnlyCollection<string> groupBy)
    {
        ArgumentNullException.ThrowIfNull(groupBy);
        var grains = new List<UsageWindow>();
        if (window == UsageWindow.Month && !groupBy.Any(RollupBucket.HighCardinality.Contains))
        {
            grains.Add(UsageWindow.Month); // month buckets are coarse: month × hotspot comes from days
        }

        if (window >= UsageWindow.Day)
        {
            grains.Add(UsageWindow.Day);
        }

        grains.Add(UsageWindow.Hour);
        var result = new List<RollupSegment>();
        Cover(from.ToUniversalTime(), to.ToUniversalTime(), grains, 0, result);
        return result;
    }

    private static void Cover(DateTimeOffset from, DateTimeOffset to, List<UsageWindow> grains, int level, List<RollupSegment> result)
    {
        if (from >= to)
        {
            return;
        }

        if (level == grains.Count)
        {
            result.Add(new RollupSegment(null, from, to));
            return;
        }

        var grain = grains[level];
        var b = UsageRollup.WindowStart(to, grain);
        if (UsageRollup.WindowStartAtOrAfter(from, grain) is not { } a || a >= b)
        {
            Cover(from, to, grains, level + 1, result);
            return;
        }

        Cover(from, a, grains, level + 1, result);
        result.Add(new RollupSegment(grain, a, b));
        Cover(b, to, grains, level + 1, result);
    }
}
