namespace Billing.Contracts.Quarantine;

/// <summary>
/// One quarantined event with its payload exactly as received (<see cref="Raw"/>) and, for a conflict, the version
/// metered first (<see cref="ExistingRaw"/>); each <c>null</c> when not kept.
/// </summary>
public sealed record QuarantinedEventResponse(
    QuarantinedEventView Event,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Raw,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ExistingRaw);
