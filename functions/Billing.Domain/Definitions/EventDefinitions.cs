using Billing.Domain.Events;

namespace Billing.Domain.Definitions;

/// <summary>
/// The declared event types, loaded at start-up from <c>meters/*.json</c>: each file validated
/// (<see cref="DefinitionLoader"/>), named after its type, neither redefining a built-in type nor reusing a meter name.
/// </summary>
public sealed class EventDefinitions
{
    private readonly Dictionary<string, EventDefinition> byType;
    private readonly (byte[] Utf8, EventDefinition Definition)[] utf8Types;
    private readonly HashSet<PartnerRole> payerNamingRoles;

    public EventDefinitions(IEnumerable<EventDefinition> definitions)
    {
        byType = UniqueIndex.By(definitions, d => d.Type, "Event type", nameof(definitions));
        utf8Types = [.. byType.Values.Select(d => (System.Text.Encoding.UTF8.GetBytes(d.Type), d))];
        payerNamingRoles = [.. byType.Values.Where(d => !d.Payer.IsSource).Select(d => d.PostedBy)];
        Meters = new MeterCatalog(byType.Values.SelectMany(d => d.Meters).Select(m => m.Definition));
    }

    /// <summary>No declared types: the built-in meters only.</summary>
    public static EventDefinitions None { get; } = new([]);

    /// <summary>Every meter: built-in and declared.</summary>
    public MeterCatalog Meters { get; }

    public IReadOnlyList<EventDefinition> All => [.. byType.Values.OrderBy(d => d.Type, StringComparer.Ordinal)];

    /// <summary>Whether a partner of <paramref name="postedBy"/> may post a declared type whose payer a data field names.</summary>
    public bool AnyNamesPayer(PartnerRole postedBy) => payerNamingRoles.Contains(postedBy);

    public bool TryGet(string type, [NotNullWhen(true)] out EventDefinition? definition) => byType.TryGetValue(type, out definition);

    /// <summary>The definition of the type spelled by <paramref name="utf8"/>, or null.</summary>
    public EventDefinition? Find(ReadOnlySpan<byte> utf8)
    {
        foreach (var (name, definition) in utf8Types)
        {
            if (utf8.SequenceEqual(name))
            {
                return definition;
            }
        }

        return null;
    }

    /// <summary>Parses definition files given as (file name, JSON text); the file name must be <c>{type}.json</c>.</summary>
    public static EventDefinitions Load(IEnumerable<KeyValuePair<string, string>> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var list = new List<EventDefinition>();
        var meterOwners = Metering.Meters.All.ToDictionary(m => m.Name, _ => "built-in", StringComparer.Ordinal);
        foreach (var (path, json) in files)
        {
            string file = Path.GetFileName(path);
            var definition = DefinitionLoader.Parse(json, file);
            if (!string.Equals(file, definition.Type + ".json", StringComparison.Ordinal))
            {
                throw new DefinitionValidationException(file, "type", $"'{definition.Type}' does not match the file name (expected {definition.Type}.json)");
            }

            if (definition.Type is EventTypes.CarrierOffloadV1 or EventTypes.ComputeUsageV1)
            {
                throw new DefinitionValidationException(file, "type", $"'{definition.Type}' is built in and cannot be redefined");
            }

            if (list.Any(d => d.Type == definition.Type))
            {
                throw new DefinitionValidationException(file, "type", $"type '{definition.Type}' is defined twice");
            }

            for (int i = 0; i < definition.Meters.Count; i++)
            {
                string name = definition.Meters[i].Name;
                if (meterOwners.TryGetValue(name, out string? owner))
                {
                    throw new DefinitionValidationException(file, $"meters[{i}].name", $"meter '{name}' is already defined ({owner})");
                }

                meterOwners[name] = file;
            }

            list.Add(definition);
        }

        return new EventDefinitions(list);
    }
}
