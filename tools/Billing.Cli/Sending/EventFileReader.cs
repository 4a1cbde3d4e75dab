namespace Billing.Cli.Sending;

/// <summary>One event read from a file, kept as its exact JSON text.</summary>
public sealed record SourceEvent(string File, int Line, string Json, string? Type, string? Id);

/// <summary>A line (or file) that could not be read as a JSON object.</summary>
public sealed record BadLine(string File, int Line, string Reason);

/// <summary>
/// Reads usage files: NDJSON (one event per line; blank lines ignored) or a single JSON document holding one event
/// object or an array of them. A line that is not a JSON object is reported by file and line number and skipped.
/// </summary>
public static class EventFileReader
{
    public static (List<SourceEvent> Events, List<BadLine> Bad) Read(string displayName, string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var events = new List<SourceEvent>();
        var bad = new List<BadLine>();
        string trimmed = content.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');

        // One JSON document (object or array), possibly pretty-printed over many lines.
        try
        {
            using var doc = JsonDocument.Parse(content.TrimStart('\uFEFF'), new JsonDocumentOptions { AllowTrailingCommas = false });
            if (doc.RootElement.ValueKind == JsonValueKind.Array)
            {
                ReadArray(displayName, content.TrimStart('\uFEFF'), events, bad);
                return (events, bad);
            }

            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                int line = 1 + content.AsSpan(0, content.Length - trimmed.Length).Count('\n');
                events.Add(Event(displayName, line, doc.RootElement));
                return (events, bad);
            }
        }
        catch (JsonException ex) when (trimmed.StartsWith('['))
        {
            bad.Add(new BadLine(displayName, checked((int)(ex.LineNumber ?? 0) + 1), "the file is a JSON array but not valid JSON: " + ex.Message));
            return (events, bad);
        }
        catch (JsonException)
        {
            // not one document: NDJSON below
        }

        int lineNumber = 0;
        using var reader = new StringReader(content);
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            string text = lineNumber == 1 ? line.TrimStart('\uFEFF') : line;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(text);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    bad.Add(new BadLine(displayName, lineNumber, $"expected a JSON object (one CloudEvent), found {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}"));
                    continue;
                }

                events.Add(Event(displayName, lineNumber, doc.RootElement, text.Trim()));
            }
            catch (JsonException ex)
            {
                bad.Add(new BadLine(displayName, lineNumber, "not valid JSON: " + ex.Message));
            }
        }

        return (events, bad);
    }

    private static void ReadArray(string file, string content, List<SourceEvent> events, List<BadLine> bad)
    {
        // Walk the array with a reader to know each element's line.
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(content);
        var reader = new Utf8JsonReader(utf8);
        reader.Read(); // [
        int index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int line = 1 + utf8.AsSpan(0, checked((int)reader.TokenStartIndex)).Count((byte)'\n');
            using var element = JsonDocument.ParseValue(ref reader);
            if (element.RootElement.ValueKind != JsonValueKind.Object)
            {
                bad.Add(new BadLine(file, line, $"array element {index} is not a JSON object"));
            }
            else
            {
                events.Add(Event(file, line, element.RootElement));
            }

            index++;
        }
    }

    private static SourceEvent Event(string file, int line, JsonElement e, string? raw = null) =>
        new(file, line, raw ?? e.GetRawText(), Str(e, "type"), Str(e, "id"));

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
}
