namespace Billing.Functions.HostProtocol;

/// <summary>
/// Tolerant readers for values the Functions host sends. The host JSON-encodes many values a second time
/// (an array may arrive as a JSON string holding the array), so a string is parsed as JSON once when the
/// caller expects structure (docs/design.md §4.3). Both forms are accepted everywhere.
/// </summary>
public static class HostJson
{
    /// <summary>Returns <paramref name="value"/> as structured JSON: itself, or the JSON inside it when it is a string holding an object or array.</summary>
    public static JsonElement Unwrap(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            JsonText.TryGetString(value, out string? text);
            if (text is { Length: > 0 } && (text[0] == '[' || text[0] == '{'))
            {
                try
                {
                    using var doc = JsonText.ParseStrict(text);
                    return doc.RootElement.Clone();
                }
                catch (JsonException)
                {
                    return value; // a plain string that happens to start with a bracket
                }
            }
        }

        return value;
    }

    public static JsonElement? Property(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (obj.TryGetProperty(name, out var v))
        {
            return v;
        }

        // Binding names are case-insensitive in the host.
        foreach (var p in obj.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value;
            }
        }

        return null;
    }

    /// <summary>Items of an array that may be double-encoded; each item as the text it carries (strings as-is, anything else as raw JSON).</summary>
    public static IReadOnlyList<string> StringItems(JsonElement? value)
    {
        if (value is null)
        {
            return [];
        }

        // The usual shape (a string holding the array): unescape it straight to UTF-8 and parse that once, without a
        // string of the whole batch (a megabyte or more, on the large object heap) and without the copy Unwrap keeps.
        if (value.Value.ValueKind == JsonValueKind.String && ItemsOfEncodedArray(value.Value) is { } items)
        {
            return items;
        }

        var v = Unwrap(value.Value);
        if (v.ValueKind == JsonValueKind.Array)
        {
            return Items(v);
        }

        // Cardinality one, or a single event: one item.
        return v.ValueKind switch
        {
            JsonValueKind.String => [JsonText.StringOrRaw(v)],
            JsonValueKind.Null or JsonValueKind.Undefined => [],
            _ => [v.GetRawText()],
        };
    }

    /// <summary>The items of a JSON string holding an array, or null when it holds something else (or cannot be unescaped).</summary>
    private static List<string>? ItemsOfEncodedArray(JsonElement value)
    {
        ReadOnlySpan<byte> quoted = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value);
        var reader = new Utf8JsonReader(quoted);
        if (!reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length == 0 || reader.ValueSpan[0] != (byte)'[')
        {
            return null; // empty, escaped first character or no array: the general path below decides
        }

        byte[] utf8 = System.Buffers.ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length); // unescaping never lengthens
        try
        {
            int length = reader.CopyString(utf8);
            using var doc = JsonText.ParseStrict(utf8.AsMemory(0, length));
            return Items(doc.RootElement); // the items are strings of their own before the buffer goes back
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null; // not an array after all, or an escape that is no text: read as a plain string
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    private static List<string> Items(JsonElement array)
    {
        var list = new List<string>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            list.Add(JsonText.StringOrRaw(item)); // an unreadable string stays as raw text and ends up in quarantine
        }

        return list;
    }

    public static IReadOnlyList<JsonElement> ArrayItems(JsonElement? value)
    {
        if (value is null)
        {
            return [];
        }

        var v = Unwrap(value.Value);
        return v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(Unwrap).ToList() : [];
    }

    public static string? GetString(JsonElement? value) => value?.ValueKind switch
    {
        JsonValueKind.String => JsonText.TryGetString(value.Value, out string? s) ? s : null,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.Value.GetRawText(),
        _ => null,
    };

    public static long? GetInt64(JsonElement? value)
    {
        var v = value is null ? (JsonElement?)null : Unwrap(value.Value);
        return v?.ValueKind switch
        {
            JsonValueKind.Number when v.Value.TryGetInt64(out long n) => n,
            JsonValueKind.String when long.TryParse(JsonText.StringOrRaw(v.Value), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) => n,
            _ => null,
        };
    }

    public static DateTimeOffset? Time(JsonElement? value) =>
        GetString(value) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : null;
}
