namespace Billing.Contracts.Partners;

/// <summary><c>GET /api/v1/partners</c>: every partner by id; <c>unreadable</c> only when partner rows cannot be read.</summary>
public sealed record PartnerListResponse(IReadOnlyList<PartnerView> Partners, IReadOnlyList<UnreadablePartner>? Unreadable = null);
