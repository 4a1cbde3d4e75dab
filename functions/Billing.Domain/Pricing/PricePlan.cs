namespace Billing.Domain.Pricing;

/// <summary>A price plan: currency, per-meter prices and an optional minimum commitment per period.</summary>
public sealed class PricePlan
{
    private readonly Dictionary<string, MeterPricing> _byMeter;

    public PricePlan(string id, Currency currency, IEnumerable<MeterPricing> meters, Money? minimumCommitment = null, string? description = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(currency);
        ArgumentNullException.ThrowIfNull(meters);
        if (minimumCommitment is { } min && (min.Currency != currency || min.IsNegative || min.MinorUnits > BillableLimit.MonthMinorUnits))
        {
            throw new ArgumentException("The minimum commitment must be a non-negative amount in the plan currency, at most what a month may bill (BillableLimit.MonthMinorUnits).", nameof(minimumCommitment));
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

    private IReadOnlyDictionary<string, Int128>? _monthLimits;

    /// <summary>Per priced meter, the most raw units a payer's month may hold (<see cref="BillableLimit.MonthQuantity"/>).</summary>
    public IReadOnlyDictionary<string, Int128> MonthLimits =>
        _monthLimits ??= Meters.ToDictionary(m => m.Meter, m => BillableLimit.MonthQuantity(this, m), StringComparer.Ordinal);

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
