namespace Billing.Domain.Metering.Rollups;

/// <summary>
/// One group of a rollup bucket: the meter, the source that reported the facts (so a provider reading a tenant's usage
/// still sees only its own reports) and the values of the meter's dimensions in <see cref="MeterDefinition.Dimensions"/>
/// order (empty for a missing value, as a usage query groups it).
/// </summary>
public sealed record RollupKey(string Meter, string Source, IReadOnlyList<string> Values)
{
    public static RollupKey Of(MeterDefinition meter, string source, Func<string, string?> dimension)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(dimension);
        var values = new string[meter.Dimensions.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = dimension(meter.Dimensions[i]) ?? "";
        }

        return new RollupKey(meter.Name, source, values);
    }

    /// <summary>The value of dimension <paramref name="name"/> of <paramref name="meter"/> (this key's meter; empty when missing).</summary>
    public string Value(MeterDefinition meter, string name)
    {
        ArgumentNullException.ThrowIfNull(meter);
        int i = IndexOf(meter.Dimensions, name);
        return i >= 0 && i < Values.Count ? Values[i] : "";
    }

    /// <summary>This key with the high-cardinality dimensions of the built-in meters blanked (declared meters keep theirs).</summary>
    public RollupKey Coarse()
    {
        if (Meters.Find(Meter) is not { } definition)
        {
            return this;
        }

        var dims = definition.Dimensions;
        if (!dims.Any(RollupBucket.HighCardinality.Contains))
        {
            return this;
        }

        var values = new string[Values.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i < dims.Count && RollupBucket.HighCardinality.Contains(dims[i]) ? "" : Values[i];
        }

        return new RollupKey(Meter, Source, values);
    }

    public bool Equals(RollupKey? other) =>
        other is not null && Meter == other.Meter && Source == other.Source && Values.SequenceEqual(other.Values, StringComparer.Ordinal);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Meter, StringComparer.Ordinal);
        hash.Add(Source, StringComparer.Ordinal);
        foreach (var v in Values)
        {
            hash.Add(v, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    private static int IndexOf(IReadOnlyList<string> list, string name)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
