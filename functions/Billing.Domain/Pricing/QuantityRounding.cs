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
