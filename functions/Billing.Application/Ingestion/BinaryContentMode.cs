using System.Buffers;

namespace Billing.Application.Ingestion;

/// <summary>
/// CloudEvents HTTP binding §3.1, binary content mode: the attributes travel as <c>ce-*</c> headers and the body is
/// <c>data</c>, its media type the <c>Content-Type</c> header. The request becomes the canonical structured JSON event
/// (JSON format §3), which is what the event validator checks and what metering receives through the hub, so a binary
/// event is validated, stored and deduplicated exactly like the same event sent structured.
/// </summary>
public static class BinaryContentMode
{
    public const string HeaderPrefix = "ce-";

    /// <summary>Whether the request carries binary-mode attributes (the spec's marker is <c>ce-specversion</c>).</summary>
    public static bool IsPresent(IReadOnlyDictionary<string, string> headers) => Find(headers, "ce-specversion") is not null;

    /// <summary>
    /// Builds the structured event: <c>datacontenttype</c> from <c>Content-Type</c>, each <c>ce-{name}</c> header as
    /// attribute <c>{name}</c> (names are case-insensitive in HTTP, so lowercased; values unquoted and percent-decoded
    /// per §3.1.3.2, always strings), and the body, which must be JSON, as <c>data</c>.
    /// </summary>
    /// <param name="headers">The request's headers, names case-insensitive.</param>
    /// <param name="contentType">The <c>Content-Type</c> header: the data's media type.</param>
    /// <param name="body">The request body: the event's data.</param>
    /// <param name="errors">Problems only the HTTP form can have (an undecodable header, <c>ce-datacontenttype</c>,
    /// a body that is not JSON); the event JSON is still built from the rest so every other rule is reported too.</param>
    public static byte[] ToStructured(IReadOnlyDictionary<string, string> headers, string contentType, string body, List<ValidationError> errors)
    {
        var buffer = new ArrayBufferWriter<byte>(body.Length + 512);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (header, raw) in headers)
            {
                if (!header.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                string name = header[HeaderPrefix.Length..].ToLowerInvariant();
                if (name is "datacontenttype" or "data" or "data_base64")
                {
                    errors.Add(new(name, $"must not be sent as a {header} header in binary mode: Content-Type carries datacontenttype and the body carries data"));
                    continue;
                }

                if (TryDecode(raw, out string? value))
                {
                    attributes[name] = value;
                }
                else
                {
                    errors.Add(new(name, $"the {header} header is not valid percent-encoded UTF-8 (CloudEvents HTTP binding §3.1.3.2)"));
                }
            }

            // A fixed member order: the same request always becomes the same bytes.
            foreach (string core in (string[])["specversion", "id", "source", "type", "subject", "time", "dataschema"])
            {
                if (attributes.Remove(core, out string? value))
                {
                    writer.WriteString(core, value);
                }
            }

            writer.WriteString("datacontenttype", contentType);
            foreach (var (name, value) in attributes)
            {
                writer.WriteString(name, value);
            }

            writer.WritePropertyName("data");
            if (ParseData(body, out JsonDocument? data) is { } problem)
            {
                errors.Add(new("data", problem));
                writer.WriteNullValue();
            }
            else
            {
                using (data)
                {
                    // The body's own bytes: what the partner sent is what metering reads.
                    writer.WriteRawValue(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(data!.RootElement));
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A header value by name, ignoring case (the host's dictionary already does; a caller's may not).</summary>
    public static string? Find(IReadOnlyDictionary<string, string> headers, string name)
    {
        if (headers.TryGetValue(name, out string? value))
        {
            return value;
        }

        foreach (var (key, v) in headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return v;
            }
        }

        return null;
    }

    /// <summary>
    /// §3.1.3.2: a double-quoted value is unquoted first (backslash escapes, for senders of older spec versions), then
    /// one round of percent-decoding; lower-case hex is accepted, byte sequences that are not UTF-8 (overlong forms
    /// included) are rejected.
    /// </summary>
    public static bool TryDecode(string raw, out string value)
    {
        value = "";
        string text = raw.Trim(' ', '\t');
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            var unquoted = new StringBuilder(text.Length);
            for (int i = 1; i < text.Length - 1; i++)
            {
                if (text[i] == '\\')
                {
                    if (++i == text.Length - 1)
                    {
                        return false;
                    }
                }
                else if (text[i] == '"')
                {
                    return false;
                }

                unquoted.Append(text[i]);
            }

            text = unquoted.ToString();
        }

        var bytes = new List<byte>(text.Length);
        Span<byte> scratch = stackalloc byte[4];
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '%')
            {
                if (i + 2 >= text.Length || !byte.TryParse(text.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out byte b))
                {
                    return false;
                }

                bytes.Add(b);
                i += 2;
            }
            else if (Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int used) == OperationStatus.Done)
            {
                int n = rune.EncodeToUtf8(scratch);
                bytes.AddRange(scratch[..n]);
                i += used - 1;
            }
            else
            {
                return false;
            }
        }

        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
        if (!System.Text.Unicode.Utf8.IsValid(span))
        {
            return false;
        }

        value = Encoding.UTF8.GetString(span);
        return true;
    }

    /// <summary>
    /// The body as data, or why it is not: it must be JSON, nested one level less than an event may be, as the event
    /// holding it adds one (deeper data made an event the validator would not read, a 500).
    /// </summary>
    private static string? ParseData(string body, out JsonDocument? data)
    {
        data = null;
        if (string.IsNullOrWhiteSpace(body))
        {
            return "is required: the request body carries the event data";
        }

        try
        {
            data = JsonText.ParseStrict(body, JsonText.StrictOptions.MaxDepth - 1);
            return null;
        }
        catch (JsonException ex)
        {
            return $"the request body must be JSON, as its Content-Type declares, nested at most {JsonText.StrictOptions.MaxDepth - 1} levels deep (the event holding it adds one): {ex.Message}";
        }
    }
}
