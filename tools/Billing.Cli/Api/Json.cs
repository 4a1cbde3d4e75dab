namespace Billing.Cli.Api;

/// <summary>Tolerant readers for API JSON: values may be strings or numbers, fields may be missing.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.Null => null,
        JsonValue v => v.ToJsonString(),
        _ => node.ToJsonString(),
    };

    /// <summary>A decimal from a JSON number or numeric string (never via double).</summary>
    public static decimal? Number(JsonNode? node)
    {
        string? text = Text(node);
        return text is not null && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
    }

    public static long? WholeNumber(JsonNode? node)
    {
        string? text = Text(node);
        return text is not null && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null;
    }

    /// <summary>The array itself, or the first array property among <paramref name="names"/> of an object.</summary>
    public static JsonArray Items(JsonNode? node, params string[] names)
    {
        if (node is JsonArray a)
        {
            return a;
        }

        if (node is JsonObject o)
        {
            foreach (string name in names)
            {
                if (o[name] is JsonArray inner)
                {
                    return inner;
                }
            }
        }

        return [];
    }

    public static string Pretty(JsonNode? node) => node?.ToJsonString(Indented) ?? "null";
}
