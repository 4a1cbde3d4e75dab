using System.Globalization;
using System.Text.Json.Nodes;
using Billing.Domain;
using Billing.Domain.Partners;

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

    /// <summary>Audit rows by time: <c>|a|t|{entry id}</c>.</summary>
    public const string AuditByTime = "|a|t|";

    /// <summary>Audit rows by partner: <c>|a|p|{escaped partner id}|{entry id}</c>.</summary>
    public static string AuditByPartner(string partnerId) => "|a|p|" + TableKey.Escape(partnerId) + "|";

    /// <summary>The first row key after every key starting with <paramref name="prefix"/> (which ends with <c>|</c>).</summary>
    public static string After(string prefix) => prefix[..^1] + "}";

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
        };
    }

    public static PartnerRecord ToRecord(TableEntity e)
    {
        var partner = new Partner(TableKey.Unescape(e.RowKey), Enum.Parse<PartnerRole>(e.GetString("Role") ?? nameof(PartnerRole.Tenant)), e.GetString("PlanId"))
        {
            Status = e.GetString("Status") is { } status ? Enum.Parse<PartnerStatus>(status) : PartnerStatus.Active,
            PlanChanges = e.GetString("PlanChanges") is { } changes
                ? [.. JsonNode.Parse(changes)!.AsArray().Select(c => new PlanChange(BillingPeriod.Parse((string)c!["from"]!), (string)c["plan"]!))]
                : [],
        };
        var created = e.GetDateTimeOffset("CreatedAt");
        var keys = new List<PartnerKey>();
        if (e.GetString("KeyHash") is { } hash)
        {
            keys.Add(new PartnerKey(e.GetString("KeyId") ?? "seed", hash, e.GetDateTimeOffset("KeyCreatedAt") ?? created, null)); // seeded before key ids existed
        }

        if (e.GetString("RetiredKeys") is { } retired)
        {
            keys.AddRange(JsonNode.Parse(retired)!.AsArray().Select(k => new PartnerKey((string)k!["id"]!, (string)k["hash"]!, Instant(k["createdAt"]), Instant(k["expiresAt"]))));
        }

        return new PartnerRecord(partner, keys)
        {
            DisplayName = e.GetString("DisplayName"),
            BillingEmail = e.GetString("BillingEmail"),
            StripeCustomerId = e.GetString("StripeCustomerId"),
            CreatedAt = created,
            SeedKeyHash = e.GetString("SeedKeyHash"),
            ETag = e.ETag,
        };
    }

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
            };
        }
    }

    public static PartnerAuditEntry ToAuditEntry(TableEntity e) => new(
        e.GetString("Id") ?? "",
        e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue,
        e.GetString("Actor") ?? "",
        e.GetString("PartnerId") ?? "",
        e.GetString("Action") ?? "",
        [.. JsonNode.Parse(e.GetString("Changes") ?? "[]")!.AsArray().Select(c => new AuditChange((string)c!["field"]!, (string?)c["before"], (string?)c["after"]))]);

    private static DateTimeOffset? Instant(JsonNode? node) =>
        node is null ? null : DateTimeOffset.Parse((string)node!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
