namespace Billing.Domain.Pricing;

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
