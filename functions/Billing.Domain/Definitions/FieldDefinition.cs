namespace Billing.Domain.Definitions;

/// <summary>One declared <c>data</c> field: its type and constraints, validated at load (<see cref="DefinitionLoader"/>).</summary>
public sealed record FieldDefinition
{
    public required string Name { get; init; }

    /// <summary>Position in the definition (the index of its value when an event is read).</summary>
    public required int Index { get; init; }

    public required FieldKind Kind { get; init; }

    public long Min { get; init; }

    public long Max { get; init; }

    public int MinLength { get; init; } = 1;

    public int MaxLength { get; init; }

    public Regex? Pattern { get; init; }

    public IReadOnlyList<string> Values { get; init; } = [];

    public int Bytes { get; init; }

    public int? Resolution { get; init; }

    public bool Optional { get; init; }

    public long? Default { get; init; }

    /// <summary>True when an absent field still has a value (required, or an integer with a default).</summary>
    public bool AlwaysHasValue => !Optional || Default is not null;

    /// <summary>
    /// Most characters a value of this field takes as a JSON string as a fact's readings store it (dimension, distinct
    /// value): non-ASCII and HTML-sensitive characters are written as six-character <c>\uXXXX</c> escapes.
    /// </summary>
    public int MaxJsonChars => Kind switch
    {
        FieldKind.Text => 6 * MaxLength,
        FieldKind.Enum => 6 * Values.Max(v => v.Length),
        FieldKind.Base58 => 2 * Bytes, // base58 is ASCII, at most ~1.37 characters a byte
        FieldKind.H3 => 15,
        _ => 20, // a whole number or a time's ticks
    };

    /// <summary>Kinds whose values are text (dimension values, distinct values).</summary>
    public bool IsText => Kind is FieldKind.Text or FieldKind.Enum or FieldKind.Base58 or FieldKind.H3;
}
