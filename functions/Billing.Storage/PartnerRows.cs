namespace Billing.Storage;

/// <summary>
/// The partner table's row shapes. Partition <c>p</c>: one row per partner (row key = escaped id) and the audit trail
/// (row keys starting with <c>|</c>, which no escaped id does, so both live in one partition and a change and its
/// audit record are written in one transaction). Partition <c>k</c>: <c>{sha256(key)}</c> → partner id.
/// </summary>
internal static class PartnerRows
{
    public const string PartnerPartition = "p";
    public const string KeyPartition = "k";

    /// <summary>
    /// No providers, written explicitly where a Merge must replace a list (it cannot remove the property); read as none,
    /// as a missing property is.
    /// </summary>
    public const string NoProviders = "[]";

    /// <summary>Audit rows by time: <c>|a|t|{entry id}</c>.</summary>
    public const string AuditByTime = "|a|t|";

    /// <summary>Audit rows by partner: <c>|a|p|{escaped partner id}|{entry id}</c>.</summary>
    public static string AuditByPartner(string partnerId) => "|a|p|" + TableKey.Escape(partnerId) + "|";

    public static TableEntity ToEntity(PartnerRecord record)
    {
        var p = record.Partner;
        var current = record.Keys[0];
        return new TableEntity(PartnerPartition, TableKey.Escape(p.Id))
        {
            ["Role"] = p.Role.ToString(),
            ["PlanId"] = p.PlanId,
            ["PlanChanges"] = p.PlanChanges.Count == 0 ? null : new JsonArray([.. p.PlanChanges.Select(c => new JsonObject { ["from"] = c.From.ToString(), ["plan"] = c.PlanId })]).ToJsonString(),
            ["Status"] = p.Status.ToString(),
            ["Providers"] = PartnerAuditChain.ProvidersText(p.Providers),
            ["KeyHash"] = current.Hash,
            ["KeyId"] = current.Id,
            ["KeyCreatedAt"] = current.CreatedAt,
            ["RetiredKeys"] = record.Keys.Count == 1 ? null : new JsonArray([.. record.Keys.Skip(1).Select(k => new JsonObject
            {
                ["id"] = k.Id,
                ["hash"] = k.Hash,
                ["createdAt"] = k.CreatedAt?.ToString("O", CultureInfo.InvariantCulture),
                ["expiresAt"] = k.ExpiresAt?.ToString("O", CultureInfo.InvariantCulture),
            })]).ToJsonString(),
            ["DisplayName"] = record.DisplayName,
            ["BillingEmail"] = record.BillingEmail,
            ["StripeCustomerId"] = record.StripeCustomerId,
            ["CreatedAt"] = record.CreatedAt,
            ["SeedKeyHash"] = record.SeedKeyHash,
            ["SeedProviders"] = record.SeedProviders,
            ["AuditHead"] = record.AuditHead,
            ["AuditCount"] = record.AuditCount,
        };
    }

    /// <summary>
    /// The record of a partner row. Text properties read through <see cref="EntityText"/>: a planted non-text value reads
    /// as unset (audit verification then reports the difference) instead of failing every read of the registry. A value
    /// that cannot mean anything (a role or status that is not the name of one, plan changes or retired keys that are not
    /// the JSON written here) throws <see cref="InvalidDataException"/> naming the property; listings set such a row apart.
    /// </summary>
    public static PartnerRecord ToRecord(TableEntity e)
    {
        var v = new RowValues(e, "partner");
        var partner = new Partner(v.Key(), v.Named<PartnerRole>("Role") ?? PartnerRole.Tenant, Text(e, "PlanId"))
        {
            Status = v.Named<PartnerStatus>("Status") ?? PartnerStatus.Active,
            PlanChanges = Json(v, "PlanChanges", a => a.Select(c => new PlanChange(BillingPeriod.Parse((string)c!["from"]!), (string)c["plan"]!))) ?? [],
            Providers = Json(v, "Providers", a => a.Select(id => (string?)id ?? throw new FormatException("a provider id is null"))) ?? [], // none on rows written before grants: nobody else may bill it
        };
        var created = Instant(e, "CreatedAt");
        var keys = new List<PartnerKey>();
        if (Text(e, "KeyHash") is { } hash)
        {
            keys.Add(new PartnerKey(Text(e, "KeyId") ?? "seed", hash, Instant(e, "KeyCreatedAt") ?? created, null)); // seeded before key ids existed
        }

        keys.AddRange(Json(v, "RetiredKeys", a => a.Select(k => new PartnerKey((string)k!["id"]!, (string)k["hash"]!, Instant(k["createdAt"]), Instant(k["expiresAt"])))) ?? []);
        var (auditHead, auditCount) = AuditHead(e);
        return new PartnerRecord(partner, keys)
        {
            DisplayName = Text(e, "DisplayName"),
            BillingEmail = Text(e, "BillingEmail"),
            StripeCustomerId = Text(e, "StripeCustomerId"),
            CreatedAt = created,
            SeedKeyHash = Text(e, "SeedKeyHash"),
            SeedProviders = Text(e, "SeedProviders") is { } seeded and not NoProviders ? seeded : null,
            AuditHead = auditHead,
            AuditCount = auditCount,
            ETag = e.ETag,
        };
    }

    /// <summary>The columns of the audit head, read without trusting types (a planted value of another type reads as unset).</summary>
    public static readonly string[] AuditHeadColumns = ["AuditHead", "AuditCount"];

    /// <summary>The row's audit head: the last entry's hash and the number of entries.</summary>
    public static (string? Head, long? Count) AuditHead(TableEntity e) => (Text(e, "AuditHead"), Number(e, "AuditCount"));

    public static IEnumerable<TableEntity> AuditEntities(PartnerAuditEntry entry)
    {
        foreach (string rowKey in new[] { AuditByTime + entry.Id, AuditByPartner(entry.PartnerId) + entry.Id })
        {
            yield return new TableEntity(PartnerPartition, rowKey)
            {
                ["Id"] = entry.Id,
                ["At"] = entry.At,
                ["Actor"] = entry.Actor,
                ["PartnerId"] = entry.PartnerId,
                ["Action"] = entry.Action,
                ["Changes"] = new JsonArray([.. entry.Changes.Select(c => new JsonObject { ["field"] = c.Field, ["before"] = c.Before, ["after"] = c.After })]).ToJsonString(),
                ["Sequence"] = entry.Sequence,
                ["PreviousHash"] = entry.PreviousHash,
                ["Hash"] = entry.Hash,
            };
        }
    }

    /// <summary>
    /// The entry of an audit row, read without trusting types: a planted non-text value or unreadable changes read as
    /// empty, which no longer hashes to the stored hash, so verification reports the entry instead of every read failing.
    /// </summary>
    public static PartnerAuditEntry ToAuditEntry(TableEntity e) => new(
        Text(e, "Id") ?? "",
        Instant(e, "At") ?? DateTimeOffset.MinValue,
        Text(e, "Actor") ?? "",
        Text(e, "PartnerId") ?? "",
        Text(e, "Action") ?? "",
        Changes(Text(e, "Changes")))
    {
        Sequence = Number(e, "Sequence") ?? 0,
        PreviousHash = Text(e, "PreviousHash"),
        Hash = Text(e, "Hash"),
    };

    private static List<AuditChange> Changes(string? json)
    {
        var changes = new List<AuditChange>();
        JsonNode? parsed;
        try
        {
            parsed = json is null ? null : JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return changes;
        }

        if (parsed is not JsonArray array)
        {
            return changes;
        }

        foreach (var c in array)
        {
            if (c is JsonObject o && JsonText(o["field"]) is { } field)
            {
                changes.Add(new AuditChange(field, JsonText(o["before"]), JsonText(o["after"])));
            }
        }

        return changes;
    }

    /// <summary>The items of a JSON array property; null when unset; anything but the JSON written here is unreadable.</summary>
    private static T[]? Json<T>(RowValues v, string name, Func<JsonArray, IEnumerable<T>> items)
    {
        if (Text(v.Row, name) is not { } json)
        {
            return null;
        }

        try
        {
            return [.. items(JsonNode.Parse(json) as JsonArray ?? throw new FormatException("not a JSON array"))];
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or ArgumentException or InvalidOperationException or NullReferenceException)
        {
            throw v.Unreadable(name, $"not the JSON this platform writes ({ex.Message})", ex);
        }
    }

    private static string? JsonText(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? text) ? text : null;

    private static string? Text(TableEntity e, string name) => EntityText.Of(e, name);

    private static long? Number(TableEntity e, string name) =>
        e.TryGetValue(name, out var value) ? value switch { long l => l, int i => i, _ => null } : null;

    private static DateTimeOffset? Instant(TableEntity e, string name) =>
        e.TryGetValue(name, out var value) ? value switch { DateTimeOffset d => d, DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)), _ => null } : null;

    private static DateTimeOffset? Instant(JsonNode? node) =>
        node is null ? null : DateTimeOffset.Parse((string)node!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
