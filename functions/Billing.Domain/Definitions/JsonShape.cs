namespace Billing.Domain.Definitions;

/// <summary>
/// Strict JSON shape checks of the files loaded at start-up (definitions, plans): the document, allowed and duplicate
/// properties, typed values; errors by path through the loader's <c>fail</c>.
/// </summary>
internal static class JsonShape
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Parses <paramref name="json"/> strictly (no comments, no trailing commas) and reads its root; invalid JSON fails at <c>$</c>.</summary>
    public static T Read<T>(string json, Func<string, string, Exception> fail, Func<JsonElement, T> read)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw fail("$", $"not valid JSON ({e.Message})");
        }

        using (document)
        {
            return read(document.RootElement);
        }
    }

    public static void Object(JsonElement element, string path, Func<string, string, Exception> fail, params string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw fail(path, $"expected a JSON object, found {element.ValueKind}");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty p in element.EnumerateObject())
        {
            string field = path == "$" ? p.Name : $"{path}.{p.Name}";
            if (!allowed.Contains(p.Name, StringComparer.Ordinal))
            {
                throw fail(field, $"unknown field (allowed: {string.Join(", ", allowed)})");
            }

            if (!seen.Add(p.Name))
            {
                throw fail(field, "duplicate field");
            }
        }
    }

    public static string? String(JsonElement obj, string name, string field, bool required, Func<string, string, Exception> fail)
    {
        if (!obj.TryGetProperty(name, out JsonElement value))
        {
            return required ? throw fail(field, "required field is missing") : null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw fail(field, $"expected a string, found {value.ValueKind}");
        }

        string text = value.GetString()!;
        return string.IsNullOrWhiteSpace(text) ? throw fail(field, "must not be empty") : text;
    }

    public static long? Integer(JsonElement obj, string name, string field, Func<string, string, Exception> fail)
    {
        if (!obj.TryGetProperty(name, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n) && !value.GetRawText().Contains('.', StringComparison.Ordinal)
                && !value.GetRawText().Contains('e', StringComparison.OrdinalIgnoreCase)
            ? n
            : throw fail(field, $"expected a whole number, found {value.GetRawText()}");
    }

    public static bool Boolean(JsonElement obj, string name, string field, Func<string, string, Exception> fail)
    {
        if (!obj.TryGetProperty(name, out JsonElement value))
        {
            return false;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw fail(field, $"expected true or false, found {value.GetRawText()}"),
        };
    }
}
