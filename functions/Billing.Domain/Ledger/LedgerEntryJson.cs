using System.Text.Json.Nodes;

namespace Billing.Domain.Ledger;

/// <summary>
/// An entry as public JSON, with every field its hash covers, so anyone can recompute <see cref="LedgerEntry.Hash"/>:
/// <c>{"book","sequence","entryId","kind","occurredAt","occurredAtTicks","postings":[{"account","asset","amount"}],
/// "metadata":{},"previousHash","hash"}</c>. Amounts and ticks are decimal strings (exact beyond 2^53).
/// </summary>
public static class LedgerEntryJson
{
    public static JsonObject ToJson(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var metadata = new JsonObject();
        foreach (var (key, value) in entry.Metadata)
        {
            metadata[key] = value;
        }

        return new JsonObject
        {
            ["book"] = entry.Book,
            ["sequence"] = entry.Sequence,
            ["entryId"] = entry.EntryId,
            ["kind"] = entry.Kind.ToString(),
            ["occurredAt"] = entry.OccurredAt.ToString("O", CultureInfo.InvariantCulture),
            ["occurredAtTicks"] = entry.OccurredAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
            ["postings"] = new JsonArray(entry.Postings.Select(p => (JsonNode?)new JsonObject
            {
                ["account"] = p.Account,
                ["asset"] = p.Asset,
                ["amount"] = p.Amount.ToString(CultureInfo.InvariantCulture),
            }).ToArray()),
            ["metadata"] = metadata,
            ["previousHash"] = entry.PreviousHash,
            ["hash"] = entry.Hash,
        };
    }

    /// <summary>Reads what <see cref="ToJson"/> writes; throws <see cref="FormatException"/> on anything else.</summary>
    public static LedgerEntry FromJson(JsonElement e)
    {
        try
        {
            string kindText = e.GetProperty("kind").GetString() ?? "";
            LedgerEntryKind kind = Enum.TryParse(kindText, false, out LedgerEntryKind k) && Enum.IsDefined(k) && k.ToString() == kindText ? k : (LedgerEntryKind)(-1);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in e.GetProperty("metadata").EnumerateObject())
            {
                metadata[property.Name] = property.Value.GetString() ?? throw new FormatException($"metadata '{property.Name}' is not a string");
            }

            return new LedgerEntry(
                e.GetProperty("book").GetString() ?? "",
                e.GetProperty("sequence").GetInt64(),
                e.GetProperty("entryId").GetString() ?? "",
                kind,
                new DateTimeOffset(long.Parse(e.GetProperty("occurredAtTicks").GetString() ?? "", NumberStyles.None, CultureInfo.InvariantCulture), TimeSpan.Zero),
                e.GetProperty("postings").EnumerateArray().Select(p => new Posting(
                    p.GetProperty("account").GetString() ?? "",
                    p.GetProperty("asset").GetString() ?? "",
                    long.Parse(p.GetProperty("amount").GetString() ?? "", NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture))).ToList(),
                metadata,
                e.GetProperty("previousHash").GetString() ?? "",
                e.GetProperty("hash").GetString() ?? "");
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or OverflowException or ArgumentException)
        {
            throw new FormatException("Not a ledger entry: " + ex.Message, ex);
        }
    }
}
