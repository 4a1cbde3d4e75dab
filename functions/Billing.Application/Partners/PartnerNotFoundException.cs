namespace Billing.Application.Partners;

/// <summary>No partner has this id (HTTP 404).</summary>
public sealed class PartnerNotFoundException(string partnerId) : Exception($"no partner '{partnerId}'")
{
    public string PartnerId { get; } = partnerId;
}
