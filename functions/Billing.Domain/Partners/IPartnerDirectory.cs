namespace Billing.Domain.Partners;

/// <summary>Read-only view of the partner registry that validation needs.</summary>
public interface IPartnerDirectory
{
    Partner? Find(string partnerId);
}
