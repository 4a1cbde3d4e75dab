namespace Billing.Domain.Partners;

/// <summary>What a partner may do. Finance is internal staff, not a payer.</summary>
public enum PartnerRole
{
    Carrier,
    Provider,
    Tenant,
    Finance,
}
