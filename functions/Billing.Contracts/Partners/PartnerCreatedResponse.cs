namespace Billing.Contracts.Partners;

/// <summary><c>POST /api/v1/partners</c> (201): the partner and its API key, shown this once (only its hash is stored).</summary>
public sealed record PartnerCreatedResponse(PartnerView Partner, string ApiKey);
