namespace Billing.Contracts.Quarantine;

/// <summary>A page of quarantined events (by source, then id; not by time); <see cref="Next"/> is the <c>after=</c> of the next page, <c>null</c> after the last. A page that stopped at its read budget holds fewer events than asked (maybe none) and still a cursor.</summary>
public sealed record QuarantineListResponse(
    IReadOnlyList<QuarantinedEventView> Events,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);
