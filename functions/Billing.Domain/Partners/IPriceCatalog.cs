namespace Billing.Domain.Partners;

/// <summary>Answers whether a payer's plan prices a dimension value (e.g. a GPU model).</summary>
public interface IPriceCatalog
{
    bool IsPriced(string planId, string meter, string dimensionValue);
}
