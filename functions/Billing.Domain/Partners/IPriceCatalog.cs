namespace Billing.Domain.Partners;

/// <summary>Answers whether a payer's plan prices a dimension value (e.g. a GPU model).</summary>
public interface IPriceCatalog
{
    bool IsPriced(string planId, string meter, string dimensionValue);

    /// <summary>The dimension by which <paramref name="planId"/> prices <paramref name="meter"/>; null when it prices it without one, or not at all.</summary>
    string? PricingDimension(string planId, string meter) => null;

    /// <summary>The plan itself (metering holds a payer's month to what it can bill: <see cref="Pricing.BillableLimit"/>); null when unknown.</summary>
    Pricing.PricePlan? FindPlan(string planId) => null;
}
