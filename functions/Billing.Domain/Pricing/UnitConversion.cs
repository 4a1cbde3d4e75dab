namespace Billing.Domain.Pricing;

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
