namespace Billing.Contracts.Partners;

/// <summary>A field an audited action changed, before and after (<c>null</c>: unset).</summary>
public sealed record AuditChangeView(
    string Field,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Before,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? After);
