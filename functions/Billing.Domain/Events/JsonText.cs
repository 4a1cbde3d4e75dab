namespace Billing.Domain.Events;

/// <summary>
/// Reads JSON strings that may be hostile: a JSON escape such as <c>"\ud800"</c> is valid JSON syntax but not valid
/// Unicode, and <see cref="JsonElement.GetString"/> throws on it. Callers turn that into a field error, never a 500.
/// </summary>
public static class JsonText
{
    /// <summary>How untrusted JSON is parsed everywhere: nesting up to 64 levels, and duplicate keys are invalid JSON.</summary>
    public static readonly JsonDocumentOptions StrictOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    /// <summary>Parses untrusted JSON with <see cref="StrictOptions"/>.</summary>
    /// <exception cref="JsonException">Not well-formed, nested too deep, a duplicate key, or a property name that is
    /// an escaped lone surrogate (the duplicate check cannot compare it and throws InvalidOperationException, which
    /// would otherwise escape as a server error).</exception>
    public static JsonDocument ParseStrict(ReadOnlyMemory<byte> utf8Json)
    {
        try
        {
            return JsonDocument.Parse(utf8Json, StrictOptions);
        }
        catch (InvalidOperationException ex)
        {
            throw InvalidPropertyName(ex);
        }
    }

    /// <summary>What reading a property name that is an escaped lone surrogate throws instead: it is not JSON text we accept.</summary>
    public static JsonException InvalidPropertyName(InvalidOperationException ex) => new($"a property name is not valid Unicode text ({ex.Message})", ex);

    /// <inheritdoc cref="ParseStrict(ReadOnlyMemory{byte})"/>
    /// <param name="json">The JSON text.</param>
    /// <param name="maxDepth">Less than the usual 64 for JSON that will be nested in more (binary-mode data).</param>
    public static JsonDocument ParseStrict(string json, int maxDepth = 64)
    {
        try
        {
            return JsonDocument.Parse(json, StrictOptions with { MaxDepth = Math.Min(maxDepth, StrictOptions.MaxDepth) });
        }
        catch (InvalidOperationException ex)
        {
            throw InvalidPropertyName(ex);
        }
    }

    /// <summary>A string field's error when its text is not Unicode: a JSON escape of a lone surrogate, or bytes that are not UTF-8.</summary>
    public const string NotUnicodeText = "must be valid Unicode text (it contains a lone surrogate)";

    /// <summary>The element's string; false, instead of the InvalidOperationException <see cref="JsonElement.GetString"/> throws,
    /// when it is not a string or not Unicode text (<see cref="NotUnicodeText"/>).</summary>
    public static bool TryGetString(JsonElement element, out string? value)
    {
        try
        {
            value = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = null;
            return false;
        }
    }

    /// <summary>The string value, or the element's raw JSON text (invalid bytes replaced) when it is not a readable string.</summary>
    public static string StringOrRaw(JsonElement element) =>
        element.ValueKind == JsonValueKind.String && TryGetString(element, out string? value) && value is not null
            ? value
            : System.Text.Encoding.UTF8.GetString(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element));
}
