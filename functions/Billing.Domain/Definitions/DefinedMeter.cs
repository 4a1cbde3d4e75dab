namespace Billing.Domain.Definitions;

/// <summary>
/// A meter of a definition. <see cref="Value"/> is the quantity expression (SUM, MAX, LATEST); <see cref="DistinctField"/>
/// the field whose distinct values UNIQUE_COUNT counts; COUNT has neither. <see cref="Dimensions"/> map a dimension
/// name to a field, in declaration order (the order of the meter's <see cref="MeterDefinition.Dimensions"/>).
/// </summary>
public sealed record DefinedMeter
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    public required Aggregation Aggregation { get; init; }

    public Expression? Value { get; init; }

    public FieldDefinition? DistinctField { get; init; }

    public required string Unit { get; init; }

    public required IReadOnlyList<KeyValuePair<string, FieldDefinition>> Dimensions { get; init; }

    /// <summary>The meter as the rest of the platform knows it (rollups, queries, plans).</summary>
    public required MeterDefinition Definition { get; init; }
}
