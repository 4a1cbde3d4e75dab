namespace Billing.Contracts.Partners;

/// <summary>
/// GET /api/v1/me: the partner an API key belongs to. <see cref="Role"/> is <c>Carrier</c>, <c>Provider</c>,
/// <c>Tenant</c> or <c>Finance</c>; <see cref="Payer"/> is true for the roles that are invoiced (carriers, tenants).
/// </summary>
public sealed record CallerResponse(string Id, string Role, bool Payer, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Plan);
