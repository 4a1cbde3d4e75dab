namespace Billing.Contracts.Quarantine;

/// <summary>A page of quarantined events (by source, then id; not by time); <see cref="Next"/> is the <c>after=</c> of the next page, <c>null</c> after the last.</summary>
public sealed record QuarantineListResponse(
    IReadOnlyList<QuarantinedEventView> Events,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);
