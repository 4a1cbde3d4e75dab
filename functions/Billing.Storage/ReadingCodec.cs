namespace Billing.Storage;

/// <summary>
/// The readings of a declared type's fact in its time row (property <c>Readings</c>): a JSON array of
/// <c>{"m":meter,"a":aggregation,"q":quantity,"d":[[name,value],…],"u":distinct}</c>, so a stored fact carries its meters
/// and rollups can be rebuilt without the definitions.
/// </summary>
internal static class ReadingCodec
{
    public static string Encode(IReadOnlyList<MeterReading> readings)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var r in readings)
            {
                w.WriteStartObject();
                w.WriteString("m", r.Meter);
                w.WriteString("a", r.Aggregation.ToString());
                w.WriteNumber("q", r.Quantity);
                w.WriteStartArray("d");
                foreach (var (name, value) in r.Dimensions)
                {
                    w.WriteStartArray();
                    w.WriteStringValue(name);
                    w.WriteStringValue(value);
                    w.WriteEndArray();
                }

                w.WriteEndArray();
                if (r.Distinct is { } u)
                {
                    w.WriteString("u", u);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The readings of a time row; <see cref="InvalidDataException"/> when the text is not what <see cref="Encode"/> writes.</summary>
    public static IReadOnlyList<MeterReading> Decode(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            var list = new List<MeterReading>();
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                var dims = e.GetProperty("d").EnumerateArray()
                    .Select(d => KeyValuePair.Create(Text(d[0], "a dimension name"), Text(d[1], "a dimension value"))).ToArray();
                list.Add(new MeterReading(
                    Text(e.GetProperty("m"), "the meter"),
                    Enum.Parse<Aggregation>(Text(e.GetProperty("a"), "the aggregation")),
                    e.GetProperty("q").GetInt64(),
                    dims,
                    e.TryGetProperty("u", out var u) ? u.GetString() : null));
            }

            return list;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or ArgumentException or FormatException)
        {
            throw new InvalidDataException($"unreadable readings in a fact row: {ex.Message}", ex);
        }
    }

    /// <summary>A JSON string; null (which <see cref="Encode"/> never writes) is as unreadable as a number.</summary>
    private static string Text(JsonElement value, string what) => value.GetString() ?? throw new FormatException($"{what} is null");
}
