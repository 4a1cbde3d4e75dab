namespace Billing.Domain.Pricing;

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
