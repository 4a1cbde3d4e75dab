namespace Billing.Domain.Metering.Rollups;

/// <summary>
/// The exact sums of one time bucket of one fact partition (docs/design.md §6): per meter, source and dimension values, a
/// 128-bit quantity. Invariant kept by the store: the sums equal the facts of the bucket in the partition, or the
/// bucket says it cannot answer (<see cref="RollupDetail"/>).
/// </summary>
public sealed class RollupBucket
{
    /// <summary>Dimensions with one value per hotspot or lease (a carrier has 100,000 hotspots): summed away in <see cref="RollupDetail.Coarse"/> buckets.</summary>
    public static readonly IReadOnlySet<string> HighCardinality = new HashSet<string>(StringComparer.Ordinal) { Meters.Hotspot, Meters.Lease };

    private readonly Dictionary<RollupKey, Int128> sums;

    public RollupBucket(UsageWindow grain, DateTimeOffset start, RollupDetail detail)
        : this(grain, start, detail, [])
    {
    }

    private RollupBucket(UsageWindow grain, DateTimeOffset start, RollupDetail detail, Dictionary<RollupKey, Int128> sums)
    {
        Grain = grain;
        Start = UsageRollup.WindowStart(start, grain);
        Detail = detail;
        this.sums = sums;
    }

    /// <summary>A new, empty bucket: months are coarse from the start (month × hotspot is answered from day buckets).</summary>
    public static RollupBucket Empty(UsageWindow grain, DateTimeOffset start) =>
        new(grain, start, grain == UsageWindow.Month ? RollupDetail.Coarse : RollupDetail.Fine);

    public UsageWindow Grain { get; }

    public DateTimeOffset Start { get; }

    public DateTimeOffset End => UsageRollup.WindowEnd(Start, Grain);

    public RollupDetail Detail { get; private set; }

    public int Count => sums.Count;

    public IEnumerable<KeyValuePair<RollupKey, Int128>> Sums => sums;

    /// <summary>True when the bucket's sums can answer a grouping by <paramref name="groupBy"/>.</summary>
    public bool CanAnswer(IEnumerable<string> groupBy) => Detail switch
    {
        RollupDetail.Fine => true,
        RollupDetail.Coarse => !groupBy.Any(HighCardinality.Contains),
        _ => false,
    };

    public RollupBucket Clone() => new(Grain, Start, Detail, new Dictionary<RollupKey, Int128>(sums));

    /// <summary>Adds a fact of this bucket to every meter it counts for.</summary>
    public void Add(UsageFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        if (Detail == RollupDetail.Overflow)
        {
            return;
        }

        foreach (var reading in fact.Readings)
        {
            // Declared meters: SUM and COUNT are sums; MAX, LATEST and UNIQUE_COUNT are read from facts (docs/design.md §6.1).
            if (reading.Aggregation is Aggregation.Sum or Aggregation.Count)
            {
                Add(new RollupKey(reading.Meter, fact.Source, [.. reading.Dimensions.Select(d => d.Value)]), reading.Quantity);
            }
        }

        foreach (var meter in fact.IsDeclared ? [] : Meters.All)
        {
            if (fact.Quantity(meter.Name) is { } quantity)
            {
                Add(RollupKey.Of(meter, fact.Source, d => fact.Dimension(d)), quantity);
            }
        }
    }

    /// <summary>Adds a sum read from storage or from another bucket.</summary>
    public void Add(RollupKey key, Int128 quantity)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Detail == RollupDetail.Overflow)
        {
            return;
        }

        var k = Detail == RollupDetail.Coarse ? key.Coarse() : key;
        ref Int128 sum = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(sums, k, out _);
        sum = checked(sum + quantity);
    }

    /// <summary>Sums the high-cardinality dimensions away (exact: only the grouping gets coarser).</summary>
    public void Coarsen()
    {
        if (Detail != RollupDetail.Fine)
        {
            return;
        }

        var fine = sums.ToList();
        sums.Clear();
        Detail = RollupDetail.Coarse;
        foreach (var (key, quantity) in fine)
        {
            Add(key, quantity);
        }
    }

    /// <summary>Gives up the sums: readers use the facts of this bucket from now on.</summary>
    public void MarkOverflow()
    {
        sums.Clear();
        Detail = RollupDetail.Overflow;
    }

    /// <summary>Same detail and the same sums (what verify compares).</summary>
    public bool SameSums(RollupBucket other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.sums.Count == sums.Count && sums.All(kv => other.sums.TryGetValue(kv.Key, out var q) && q == kv.Value);
    }
}
