namespace Billing.Domain.Partners;

/// <summary>What a partner may do. Finance is internal staff, not a payer.</summary>
public enum PartnerRole
{
    Carrier,
    Provider,
    Tenant,
    Finance,
}

/// <summary>A registered partner as the domain sees it (no secrets).</summary>
/// <param name="Id">Stable partner id, e.g. <c>carrier-tmo</c>; also the CloudEvents <c>source</c> it posts as.</param>
/// <param name="Role">What it may post and read.</param>
/// <param name="PlanId">Price plan for payers (carriers, tenants); null for providers and finance.</param>
public sealed record Partner(string Id, PartnerRole Role, string? PlanId)
{
    public bool IsPayer => Role is PartnerRole.Carrier or PartnerRole.Tenant;
}

/// <summary>Read-only view of the partner registry that validation needs.</summary>
public interface IPartnerDirectory
{
    Partner? Find(string partnerId);
}

/// <summary>Answers whether a payer's plan prices a dimension value (e.g. a GPU model).</summary>
public interface IPriceCatalog
{
    bool IsPriced(string planId, string meter, string dimensionValue);
}
