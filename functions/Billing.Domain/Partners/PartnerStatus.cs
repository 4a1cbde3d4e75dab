namespace Billing.Domain.Partners;

/// <summary>Whether a partner may act. A disabled partner's keys do not authenticate and no new usage is accepted for it;
/// what was accepted before is metered and billed as usual.</summary>
public enum PartnerStatus
{
    Active,
    Disabled,
}
