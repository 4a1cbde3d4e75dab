namespace Billing.DevHost;

/// <summary>One binding from a function.json, with the raw JSON kept for binding-specific settings.</summary>
public sealed record BindingDefinition(string Type, string Direction, string Name, JsonElement Raw)
{
    public string? Setting(string name) =>
        Raw.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null;

    public IReadOnlyList<string> Methods =>
        Raw.TryGetProperty("methods", out var m) && m.ValueKind == JsonValueKind.Array ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToList() : [];
}
