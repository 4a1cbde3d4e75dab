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

    // Month buckets: per meter, what its SUM and COUNT groups and UNIQUE_COUNT counters add up to, kept when the sums
    // overflow, so metering always knows how much of the month's billable limit the partition holds (BillableLimit).
    private readonly Dictionary<string, Int128> totals;

    public RollupBucket(UsageWindow grain, DateTimeOffset start, RollupDetail detail)
        : this(grain, start, detail, [], [])
    {
    }

    private RollupBucket(UsageWindow grain, DateTimeOffset start, RollupDetail detail, Dictionary<RollupKey, Int128> sums, Dictionary<string, Int128> totals)
    {
        Grain = grain;
        Start = UsageRollup.WindowStart(start, grain);
        Detail = detail;
        this.sums = sums;
        this.totals = totals;
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

    public RollupBucket Clone() => new(Grain, Start, Detail, new Dictionary<RollupKey, Int128>(sums), new Dictionary<string, Int128>(totals)) { TotalsKnown = TotalsKnown };

    /// <summary>
    /// False for a month row that overflowed before it kept its totals (written by an earlier version): metering then
    /// counts from zero, and a rebuild restores them.
    /// </summary>
    public bool TotalsKnown { get; private set; } = true;

    /// <summary>Month buckets: per meter, the sum of its SUM and COUNT groups and UNIQUE_COUNT counters (0 when none).</summary>
    public IEnumerable<KeyValuePair<string, Int128>> Totals => totals;

    public Int128 Total(string meter) => totals.GetValueOrDefault(meter);

    /// <summary>Sets the totals read from the row (null: the row has none that can be read), or, when it has none, those of its sums.</summary>
    public void SetTotals(IEnumerable<KeyValuePair<string, Int128>>? stored)
    {
        totals.Clear();
        if (stored is null && Detail == RollupDetail.Overflow)
        {
            TotalsKnown = false;
            return;
        }

        TotalsKnown = true;
        foreach (var (meter, quantity) in stored ?? sums.Select(kv => KeyValuePair.Create(kv.Key.Meter, kv.Value)))
        {
            if (!AddTotal(meter, quantity))
            {
                return; // past Int128: given up (GiveUp), the sums with them
            }
        }
    }

    /// <summary>What a fact adds to the totals of the meters it counts in by sum (SUM and COUNT), built-in or declared.</summary>
    public static IEnumerable<(string Meter, long Quantity)> Additive(UsageFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        foreach (var reading in fact.Readings)
        {
            if (reading.Aggregation is Aggregation.Sum or Aggregation.Count)
            {
                yield return (reading.Meter, reading.Quantity);
            }
        }

        foreach (var meter in fact.IsDeclared ? [] : Meters.All)
        {
            if (fact.Quantity(meter.Name) is { } quantity)
            {
                yield return (meter.Name, quantity);
            }
        }
    }

    /// <summary>Counts a UNIQUE_COUNT value new to the partition's month: one more in its counter group and its meter's total.</summary>
    public void CountMarker(RollupKey counter)
    {
        ArgumentNullException.ThrowIfNull(counter);
        Add(counter, 1);
        _ = AddTotal(counter.Meter, 1);
    }

    /// <summary><paramref name="a"/> + <paramref name="b"/>, or null when the sum is past <see cref="Int128"/>.</summary>
    public static Int128? SumOrNull(Int128 a, Int128 b)
    {
        Int128 sum = unchecked(a + b);
        return ((a ^ sum) & (b ^ sum)) < 0 ? null : sum;
    }

    /// <summary>Adds to a month's total of <paramref name="meter"/>; false when that took it past Int128 and the bucket gave up (<see cref="GiveUp"/>).</summary>
    private bool AddTotal(string meter, Int128 quantity)
    {
        if (Grain != UsageWindow.Month)
        {
            return true;
        }

        ref Int128 total = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(totals, meter, out _);
        if (SumOrNull(total, quantity) is { } sum)
        {
            total = sum;
            return true;
        }

        GiveUp();
        return false;
    }

    /// <summary>
    /// A total past Int128, which stored facts never reach (a fact adds a long: it takes 2^64 of them), so the row's totals
    /// were planted (someone with write access to storage): nothing of the row is trusted, as when such a row is read
    /// (<c>RollupCodec.FromEntity</c>). Readers use the bucket's facts, metering counts the month's limits from zero,
    /// <c>rollups verify</c> reports the row and <c>rollups rebuild</c> restores it; never an exception, which would fail
    /// every delivery of the batch and stall its hub partition.
    /// </summary>
    private void GiveUp()
    {
        MarkOverflow();
        totals.Clear();
        TotalsKnown = false;
    }

    /// <summary>Adds a fact of this bucket to every meter it counts for.</summary>
    public void Add(UsageFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        foreach (var (meter, quantity) in Additive(fact))
        {
            _ = AddTotal(meter, quantity); // given up: the meters after it count from zero, as in a row whose totals are unknown
        }

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
        if (SumOrNull(sum, quantity) is { } added)
        {
            sum = added;
        }
        else
        {
            // Past Int128, which stored facts never reach: a planted sum. The sums are given up as when a row outgrows its
            // capacity (readers use the facts); the month's totals, counted apart, stay.
            MarkOverflow();
        }
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

    /// <summary>
    /// The same sums and, for a month, the same totals, known or not (what verify compares, and rebuild before it rewrites
    /// a row): a month row whose totals were given up (<see cref="TotalsKnown"/> false) differs from one that knows them, so
    /// it is reported and rebuilt even when its sums were given up too.
    /// </summary>
    public bool SameSums(RollupBucket other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.sums.Count == sums.Count && sums.All(kv => other.sums.TryGetValue(kv.Key, out var q) && q == kv.Value)
            && TotalsKnown == other.TotalsKnown && (!TotalsKnown || SameTotals(other));
    }

    private bool SameTotals(RollupBucket other)
    {
        var mine = totals.Where(kv => kv.Value != 0).ToList();
        return mine.Count == other.totals.Count(kv => kv.Value != 0) && mine.All(kv => other.Total(kv.Key) == kv.Value);
    }
}
