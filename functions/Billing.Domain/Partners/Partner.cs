namespace Billing.Domain.Partners;

/// <summary>A registered partner as the domain sees it (no secrets).</summary>
/// <param name="Id">Stable partner id, e.g. <c>carrier-tmo</c>; also the CloudEvents <c>source</c> it posts as.</param>
/// <param name="Role">What it may post and read.</param>
/// <param name="PlanId">Price plan for payers (carriers, tenants); null for providers and finance.</param>
public sealed record Partner(string Id, PartnerRole Role, string? PlanId)
{
    public bool IsPayer => Role is PartnerRole.Carrier or PartnerRole.Tenant;
}
