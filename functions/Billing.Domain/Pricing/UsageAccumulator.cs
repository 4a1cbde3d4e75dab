namespace Billing.Domain.Pricing;

/// <summary>
/// Streaming aggregation of usage facts for one plan: exact, overflow-checked 128-bit sums keyed by
/// (meter, value of the plan's pricing dimension for that meter). Memory is bounded by the number of distinct priced
/// groups, not by the number of facts; the result does not depend on the order or the splitting of the facts.
/// Not thread-safe; aggregate partitions separately and <see cref="Merge"/> them.
/// </summary>
public sealed class UsageAccumulator
{
    private readonly Dictionary<(string Meter, string Value), Int128> _sums = [];

    public UsageAccumulator(PricePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Plan = plan;
    }

    public PricePlan Plan { get; }

    public int GroupCount => _sums.Count;

    /// <summary>
    /// Adds a fact. Returns false (and ignores it) when the plan does not price the meter (e.g. <c>offload.sessions</c> on a
    /// plan that bills bytes only). Throws <see cref="UnpricedUsageException"/> when the meter is priced by a dimension
    /// and the fact lacks it or has an unpriced value; <see cref="ArgumentOutOfRangeException"/> for a negative quantity;
    /// <see cref="OverflowException"/> if a sum exceeds <see cref="Int128.MaxValue"/> (about 10^19 maximum-size facts).
    /// </summary>
    public bool Add(string meter, IReadOnlyDictionary<string, string>? dimensions, long quantity)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentOutOfRangeException.ThrowIfNegative(quantity);
        MeterPricing? pricing = Plan.FindMeter(meter);
        if (pricing is null)
        {
            return false;
        }

        string? value = pricing.Dimension is { } dimension && dimensions is not null && dimensions.TryGetValue(dimension, out string? found)
            ? found
            : null;
        AddCore(pricing, value, quantity);
        return true;
    }

    /// <summary>
    /// Adds a stored usage fact to every meter of the plan it contributes to (e.g. a carrier fact adds its bytes to
    /// <c>offload.bytes</c> and 1 to <c>offload.sessions</c> when the plan prices them). Returns the number of meters it
    /// was added to. The caller selects the payer's facts of the period (<see cref="BillingPeriod.Contains"/> on
    /// <see cref="Metering.UsageFact.Time"/>); same exceptions as <see cref="Add(string, IReadOnlyDictionary{string, string}?, long)"/>.
    /// </summary>
    public int Add(Metering.UsageFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        int added = 0;
        foreach (MeterPricing pricing in Plan.Meters)
        {
            if (fact.Quantity(pricing.Meter) is { } quantity)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(quantity, nameof(fact));
                AddCore(pricing, pricing.Dimension is { } dimension ? fact.Dimension(pricing.Meter, dimension) : null, quantity);
                added++;
            }
        }

        return added;
    }

    /// <summary>
    /// Adds a quantity already summed over facts of one group (a rollup's sum): the same as adding those facts one by
    /// one. Returns false when the plan does not price the meter; same exceptions as <see cref="Add(Metering.UsageFact)"/>.
    /// </summary>
    public bool AddSum(string meter, string? dimensionValue, Int128 quantity)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentOutOfRangeException.ThrowIfNegative(quantity);
        MeterPricing? pricing = Plan.FindMeter(meter);
        if (pricing is null)
        {
            return false;
        }

        AddCore(pricing, pricing.Dimension is null ? null : dimensionValue, quantity);
        return true;
    }

    private void AddCore(MeterPricing pricing, string? dimensionValue, Int128 quantity)
    {
        string key = string.Empty;
        if (pricing.Dimension is not null)
        {
            pricing.ScheduleFor(dimensionValue, Plan.Id); // throws UnpricedUsageException
            key = dimensionValue!;
        }

        ref Int128 sum = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_sums, (pricing.Meter, key), out _);
        sum = checked(sum + quantity);
    }

    public bool Add(MeterUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return Add(usage.Meter, usage.Dimensions, usage.Quantity);
    }

    /// <summary>Adds every fact of a (possibly very long, lazily produced) sequence.</summary>
    public UsageAccumulator AddRange(IEnumerable<MeterUsage> usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        foreach (MeterUsage u in usage)
        {
            Add(u);
        }

        return this;
    }

    /// <summary>Adds the sums of another accumulator of the same plan.</summary>
    public void Merge(UsageAccumulator other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!ReferenceEquals(other.Plan, Plan) && other.Plan.Id != Plan.Id)
        {
            throw new ArgumentException($"Cannot merge usage of plan '{other.Plan.Id}' into plan '{Plan.Id}'.", nameof(other));
        }

        foreach (((string meter, string value), Int128 quantity) in other._sums)
        {
            ref Int128 sum = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_sums, (meter, value), out _);
            sum = checked(sum + quantity);
        }
    }

    /// <summary>The aggregated groups, ordered by meter then dimension value (ordinal).</summary>
    public IReadOnlyList<UsageGroup> Groups() =>
        [.. _sums
            .OrderBy(kv => kv.Key.Meter, StringComparer.Ordinal)
            .ThenBy(kv => kv.Key.Value, StringComparer.Ordinal)
            .Select(kv => new UsageGroup(kv.Key.Meter, Plan.FindMeter(kv.Key.Meter)!.Dimension is null ? null : kv.Key.Value, kv.Value))];
}
