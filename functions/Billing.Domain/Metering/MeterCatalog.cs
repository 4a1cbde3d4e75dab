namespace Billing.Domain.Metering;

/// <summary>Every meter the platform knows: the built-in ones (<see cref="Meters.All"/>) and the declared ones of <c>meters/*.json</c>.</summary>
public sealed class MeterCatalog
{
    private readonly Dictionary<string, MeterDefinition> byName;

    public MeterCatalog(IEnumerable<MeterDefinition> defined)
    {
        ArgumentNullException.ThrowIfNull(defined);
        byName = Meters.All.ToDictionary(m => m.Name, StringComparer.Ordinal);
        foreach (var m in defined)
        {
            if (!byName.TryAdd(m.Name, m))
            {
                throw new ArgumentException($"Meter '{m.Name}' is defined twice.", nameof(defined));
            }
        }

        All = [.. Meters.All, .. byName.Values.Except(Meters.All).OrderBy(m => m.Name, StringComparer.Ordinal)];
        Dimensions = All.ToDictionary(m => m.Name, m => m.Dimensions, StringComparer.Ordinal);
    }

    /// <summary>The built-in meters only.</summary>
    public static MeterCatalog BuiltIn { get; } = new([]);

    public IReadOnlyList<MeterDefinition> All { get; }

    /// <summary>Meter name → dimension names: what a price plan may reference.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Dimensions { get; }

    public MeterDefinition? Find(string name) => byName.GetValueOrDefault(name);

    public bool TryGet(string name, [NotNullWhen(true)] out MeterDefinition? meter) => byName.TryGetValue(name, out meter);
}
