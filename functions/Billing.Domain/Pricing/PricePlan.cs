namespace Billing.Domain.Pricing;

/// <summary>How a converted quantity is rounded to whole plan units (applied once, to the period total of a group).</summary>
public enum QuantityRounding
{
    /// <summary>Keep the exact fraction (e.g. GPU-seconds / 3600 = fractional GPU-hours).</summary>
    None,

    /// <summary>Round up to a whole unit (e.g. bytes → Data Credits).</summary>
    Ceiling,

    /// <summary>Round down to a whole unit.</summary>
    Floor,
}

/// <summary>How tiers turn a quantity into an amount.</summary>
public enum TierMode
{
    /// <summary>One unbounded tier: quantity × unit price.</summary>
    PerUnit,

    /// <summary>Each tier prices only the part of the quantity that falls inside it (one line per tier with quantity).</summary>
    Graduated,

    /// <summary>The whole quantity is priced at the unit price of the tier it reaches (one line).</summary>
    Volume,
}

/// <summary>
/// Converts a meter's raw quantity (bytes, seconds) into the plan's billing unit:
/// <c>units = round(raw / Divisor)</c> with <see cref="Rounding"/>.
/// </summary>
public sealed record UnitConversion
{
    public UnitConversion(long divisor, QuantityRounding rounding, string unit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(divisor, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(unit);
        if (!Enum.IsDefined(rounding))
        {
            throw new ArgumentOutOfRangeException(nameof(rounding));
        }

        Divisor = divisor;
        Rounding = rounding;
        Unit = unit;
    }

    public long Divisor { get; }

    public QuantityRounding Rounding { get; }

    /// <summary>Display name of the billing unit, e.g. <c>DC</c>, <c>GPU-hour</c>.</summary>
    public string Unit { get; }

    public static UnitConversion Identity(string unit) => new(1, QuantityRounding.None, unit);
}

/// <summary>
/// One price tier. <see cref="UpTo"/> is the inclusive upper bound in billing units (null = unbounded, last tier only);
/// the tier covers <c>(previous UpTo, UpTo]</c>.
/// </summary>
public sealed record PriceTier
{
    public PriceTier(decimal? upTo, decimal unitPrice, string? description = null)
    {
        if (upTo is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(upTo), upTo, "A tier bound must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(unitPrice);
        UpTo = upTo;
        UnitPrice = unitPrice;
        Description = description;
    }

    public decimal? UpTo { get; }

    public decimal UnitPrice { get; }

    /// <summary>Optional line description for this tier; overrides the generated one.</summary>
    public string? Description { get; }
}

/// <summary>A tiered price: strictly ascending bounds, the last tier unbounded.</summary>
public sealed class PriceSchedule
{
    public PriceSchedule(TierMode mode, IEnumerable<PriceTier> tiers)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode));
        }

        PriceTier[] list = [.. tiers];
        if (list.Length == 0)
        {
            throw new ArgumentException("A price needs at least one tier.", nameof(tiers));
        }

        if (mode == TierMode.PerUnit && list.Length != 1)
        {
            throw new ArgumentException("A per-unit price has exactly one tier.", nameof(tiers));
        }

        for (int i = 0; i < list.Length; i++)
        {
            bool last = i == list.Length - 1;
            if (last != (list[i].UpTo is null))
            {
                throw new ArgumentException("Only the last tier is unbounded (UpTo = null), and it must be.", nameof(tiers));
            }

            if (i > 0 && !last && list[i].UpTo <= list[i - 1].UpTo)
            {
                throw new ArgumentException("Tier bounds must be strictly ascending.", nameof(tiers));
            }
        }

        Mode = mode;
        Tiers = list;
    }

    public TierMode Mode { get; }

    public IReadOnlyList<PriceTier> Tiers { get; }

    public static PriceSchedule PerUnit(decimal unitPrice) => new(TierMode.PerUnit, [new PriceTier(null, unitPrice)]);
}

/// <summary>
/// How a plan prices one meter: a unit conversion and either one <see cref="Price"/> or, when
/// <see cref="Dimension"/> is set, a rate table keyed by that dimension's value (e.g. gpuModel → price).
/// </summary>
public sealed class MeterPricing
{
    public MeterPricing(string meter, string description, UnitConversion conversion, PriceSchedule price)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(meter);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        ArgumentNullException.ThrowIfNull(conversion);
        ArgumentNullException.ThrowIfNull(price);
        Meter = meter;
        Description = description;
        Conversion = conversion;
        Price = price;
        Rates = new Dictionary<string, PriceSchedule>(StringComparer.Ordinal);
    }

    public MeterPricing(
        string meter, string description, UnitConversion conversion, string dimension, IReadOnlyDictionary<string, PriceSchedule> rates)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(meter);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        ArgumentNullException.ThrowIfNull(conversion);
        ArgumentException.ThrowIfNullOrWhiteSpace(dimension);
        ArgumentNullException.ThrowIfNull(rates);
        if (rates.Count == 0)
        {
            throw new ArgumentException("A rate table needs at least one entry.", nameof(rates));
        }

        Meter = meter;
        Description = description;
        Conversion = conversion;
        Dimension = dimension;
        Rates = new Dictionary<string, PriceSchedule>(rates, StringComparer.Ordinal);
    }

    public string Meter { get; }

    /// <summary>Base description of the invoice lines, e.g. "Data offload".</summary>
    public string Description { get; }

    public UnitConversion Conversion { get; }

    /// <summary>The usage dimension the price depends on (e.g. <c>gpuModel</c>), or null for a single price.</summary>
    public string? Dimension { get; }

    /// <summary>Single price when <see cref="Dimension"/> is null.</summary>
    public PriceSchedule? Price { get; }

    /// <summary>Rate table by dimension value (ordinal, case-sensitive) when <see cref="Dimension"/> is set; else empty.</summary>
    public IReadOnlyDictionary<string, PriceSchedule> Rates { get; }

    /// <summary>True when usage with this dimension value can be rated (always true without a pricing dimension).</summary>
    public bool Prices(string? dimensionValue) =>
        Dimension is null || (dimensionValue is not null && Rates.ContainsKey(dimensionValue));

    /// <summary>The price for a dimension value; throws <see cref="UnpricedUsageException"/> when there is none.</summary>
    public PriceSchedule ScheduleFor(string? dimensionValue, string planId)
    {
        if (Dimension is null)
        {
            return Price!;
        }

        if (dimensionValue is not null && Rates.TryGetValue(dimensionValue, out PriceSchedule? schedule))
        {
            return schedule;
        }

        throw new UnpricedUsageException(planId, Meter, Dimension, dimensionValue, [.. Rates.Keys.Order(StringComparer.Ordinal)]);
    }
}

/// <summary>Usage that the plan cannot price: its pricing dimension is missing or has a value with no rate.</summary>
public sealed class UnpricedUsageException(string planId, string meter, string dimension, string? value, IReadOnlyList<string> priced)
    : InvalidOperationException(value is null
        ? $"Plan '{planId}' prices '{meter}' by '{dimension}', but the usage has no '{dimension}' dimension."
        : $"Plan '{planId}' has no price for '{meter}' with {dimension}='{value}'; priced values: {string.Join(", ", priced)}.")
{
    public string PlanId { get; } = planId;

    public string Meter { get; } = meter;

    public string Dimension { get; } = dimension;

    public string? Value { get; } = value;
}

/// <summary>A price plan: currency, per-meter prices and an optional minimum commitment per period.</summary>
public sealed class PricePlan
{
    private readonly Dictionary<string, MeterPricing> _byMeter;

    public PricePlan(string id, Currency currency, IEnumerable<MeterPricing> meters, Money? minimumCommitment = null, string? description = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(currency);
        ArgumentNullException.ThrowIfNull(meters);
        if (minimumCommitment is { } min && (min.Currency != currency || min.IsNegative))
        {
            throw new ArgumentException("The minimum commitment must be a non-negative amount in the plan currency.", nameof(minimumCommitment));
        }

        _byMeter = new Dictionary<string, MeterPricing>(StringComparer.Ordinal);
        foreach (MeterPricing m in meters)
        {
            if (!_byMeter.TryAdd(m.Meter, m))
            {
                throw new ArgumentException($"Meter '{m.Meter}' is priced twice.", nameof(meters));
            }
        }

        Id = id;
        Currency = currency;
        MinimumCommitment = minimumCommitment is { IsZero: false } ? minimumCommitment : null;
        Description = description;
        Meters = [.. _byMeter.Values.OrderBy(m => m.Meter, StringComparer.Ordinal)];
    }

    public string Id { get; }

    public string? Description { get; }

    public Currency Currency { get; }

    /// <summary>Minimum charge per period for usage; null when the plan has none.</summary>
    public Money? MinimumCommitment { get; }

    /// <summary>Priced meters in ordinal order of meter name.</summary>
    public IReadOnlyList<MeterPricing> Meters { get; }

    public MeterPricing? FindMeter(string meter) => _byMeter.GetValueOrDefault(meter);

    /// <summary>True when this plan bills <paramref name="meter"/> at all.</summary>
    public bool PricesMeter(string meter) => _byMeter.ContainsKey(meter);

    /// <summary>
    /// True when usage of <paramref name="meter"/> with <paramref name="dimensionValue"/> (the value of the meter's pricing
    /// dimension, e.g. the gpuModel; ignored for meters priced without a dimension) can be rated. Ingestion uses this to
    /// reject, e.g., an unpriced GPU model. False for meters the plan does not price.
    /// </summary>
    public bool Prices(string meter, string? dimensionValue) =>
        _byMeter.TryGetValue(meter, out MeterPricing? m) && m.Prices(dimensionValue);

    public override string ToString() => Id;
}
