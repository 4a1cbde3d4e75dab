namespace Billing.Domain.Events;

/// <summary>
/// A declared type's field names and enum values encoded as UTF-8 once (<see cref="DeclaredEventReader"/> compares the
/// event's bytes with them instead of making a string per member and per enum value).
/// </summary>
internal sealed class Utf8Definition(EventDefinition definition)
{
    /// <summary>The field names, by <see cref="FieldDefinition.Index"/>.</summary>
    public byte[][] Names { get; } = [.. definition.Fields.Select(f => Encoding.UTF8.GetBytes(f.Name))];

    /// <summary>Each field's enum values in <see cref="FieldDefinition.Values"/> order (empty for other kinds).</summary>
    public byte[][][] Values { get; } = [.. definition.Fields.Select(f => f.Values.Select(Encoding.UTF8.GetBytes).ToArray())];

    /// <summary>
    /// Fields whose text the fact keeps (the payer field, meter dimensions and distinct values); the others' text is
    /// only validated and hashed from the event's bytes (the same UTF-8 a string of it would hash to).
    /// </summary>
    public bool[] Keep { get; } = [.. definition.Fields.Select(f => f.Name == definition.Payer.Field
        || definition.Meters.Any(m => m.DistinctField?.Index == f.Index || m.Dimensions.Any(d => d.Value.Index == f.Index)))];
}
