namespace Billing.Contracts.Partners;

/// <summary>
/// <c>POST /api/v1/partners/{id}/keys</c> (201): the new key, shown this once; the previous keys work until
/// <see cref="PreviousKeysValidUntil"/>, or stopped now when revoked (<see cref="RevokedKeyIds"/>, empty otherwise).
/// </summary>
public sealed record PartnerKeyRotatedResponse(
    string ApiKey,
    string KeyId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? PreviousKeysValidUntil,
    IReadOnlyList<string> RevokedKeyIds);
