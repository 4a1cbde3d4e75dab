namespace Billing.Contracts.Partners;

/// <summary><c>GET /api/v1/partners</c>: every partner, ordered by id.</summary>
public sealed record PartnerListResponse(IReadOnlyList<PartnerView> Partners);
