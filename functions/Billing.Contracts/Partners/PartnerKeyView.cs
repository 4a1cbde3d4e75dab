namespace Billing.Contracts.Partners;

/// <summary>An API key's metadata: its id, when it was made, and when it stops working (<c>null</c>: the current key).</summary>
public sealed record PartnerKeyView(
    string Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ExpiresAt);
