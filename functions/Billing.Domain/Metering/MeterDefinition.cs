namespace Billing.Domain.Metering;

/// <summary>A billable meter (docs/contract.md §4): its name, how it aggregates, and the dimensions it can be grouped by.</summary>
public sealed record MeterDefinition(string Name, Aggregation Aggregation, string EventType, IReadOnlyList<string> Dimensions);
