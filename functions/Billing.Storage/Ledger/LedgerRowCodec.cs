namespace Billing.Storage.Ledger;

/// <summary>
/// Postings and metadata as compact JSON string properties. Postings: <c>[["account","ASSET","amount"],…]</c> with the
/// amount as a decimal string (exact beyond 2^53 for any JSON reader); metadata: <c>{"key":"value",…}</c>.
/// A string property holds at most 32K characters; larger values are refused before anything is written.
/// </summary>
internal static class LedgerRowCodec
{
    public const int MaxPropertyChars = 32_000;

    public static string WritePostings(IReadOnlyList<Posting> postings)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (Posting p in postings)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(p.Account);
                writer.WriteStringValue(p.Asset);
                writer.WriteStringValue(p.Amount.ToString(CultureInfo.InvariantCulture));
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return Checked("Postings", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    public static string WriteMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in metadata)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return Checked("Metadata", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    public static List<Posting> ReadPostings(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var list = new List<Posting>();
        foreach (JsonElement item in doc.RootElement.EnumerateArray())
        {
            if (item.GetArrayLength() != 3)
            {
                throw new FormatException("A posting is [account, asset, amount].");
            }

            list.Add(new Posting(
                item[0].GetString() ?? throw new FormatException("A posting has no account."),
                item[1].GetString() ?? throw new FormatException("A posting has no asset."),
                long.Parse(item[2].GetString() ?? throw new FormatException("A posting has no amount."), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)));
        }

        return list;
    }

    public static Dictionary<string, string> ReadMetadata(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty property in doc.RootElement.EnumerateObject())
        {
            map[property.Name] = property.Value.GetString() ?? throw new FormatException($"Metadata '{property.Name}' is not a string.");
        }

        return map;
    }

    private static string Checked(string what, string json) =>
        json.Length < MaxPropertyChars
            ? json
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The entry's {what} take {json.Length} characters as JSON; a table property holds at most {MaxPropertyChars}."));
}
