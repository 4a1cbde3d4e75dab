namespace Billing.Contracts.Partners;

/// <summary>A page of audit entries, oldest first; <see cref="Next"/> is the <c>after=</c> of the next page, <c>null</c> after the last.</summary>
public sealed record AuditListResponse(
    IReadOnlyList<AuditEntryView> Entries,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);
