namespace Billing.Contracts.Partners;

/// <summary>
/// <c>GET /api/v1/audit/verify</c> and <c>GET /api/v1/partners/{id}/audit/verify</c>: each partner's audit hash chain
/// and its row checked against the trail; <see cref="Ok"/> when every partner is.
/// </summary>
public sealed record AuditVerifyResponse(bool Ok, IReadOnlyList<PartnerAuditVerifyView> Partners);
