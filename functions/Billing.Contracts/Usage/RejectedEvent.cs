namespace Billing.Contracts.Usage;

/// <summary>An event of a usage request that was not accepted: its position, its id when readable, and each error as <c>field: reason</c>.</summary>
public sealed record RejectedEvent(
    int Index,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Id, // null is written: the id was not readable
    IReadOnlyList<string> Errors);
