namespace Billing.Application.Partners;

/// <summary>A new partner and its API key, which exists in plain text only in this answer.</summary>
public sealed record CreatedPartner(PartnerRecord Record, string ApiKey);
