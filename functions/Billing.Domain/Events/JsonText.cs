using System.Text.Json;

namespace Billing.Domain.Events;

/// <summary>
/// Reads JSON strings that may be hostile: a JSON escape such as <c>"\ud800"</c> is valid JSON syntax but not valid
/// Unicode, and <see cref="JsonElement.GetString"/> throws on it. Callers turn that into a field error, never a 500.
/// </summary>
public static class JsonText
{
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
