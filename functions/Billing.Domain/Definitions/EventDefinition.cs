namespace Billing.Domain.Definitions;

/// <summary>One declared event type (<c>meters/{type}.json</c>): who posts it, who pays, its data fields, checks and meters.</summary>
public sealed record EventDefinition
{
    public required string Type { get; init; }

    public required string Description { get; init; }

    public required PartnerRole PostedBy { get; init; }

    public required PayerRule Payer { get; init; }

    /// <summary>Fields in declaration order; <see cref="FieldDefinition.Index"/> is the position.</summary>
    public required IReadOnlyList<FieldDefinition> Fields { get; init; }

    public required IReadOnlyList<CheckRule> Checks { get; init; }

    public required IReadOnlyList<DefinedMeter> Meters { get; init; }

    /// <summary>The file it was loaded from (error messages).</summary>
    public required string File { get; init; }
}
