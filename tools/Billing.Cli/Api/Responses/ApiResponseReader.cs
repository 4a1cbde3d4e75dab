using System.Text.Json;
using System.Text.Json.Nodes;

namespace Billing.Cli.Api.Responses;

/// <summary>
/// The one place the CLI turns API answers into typed records. Tolerant, as the CLI has always been: fields may be
/// missing, numbers may come as strings, lists may be bare arrays or wrapped in an object. Raw JSON is still printed
/// as the API sent it (<c>--json</c>); only reading goes through here.
/// </summary>
public static class ApiResponseReader
{
    /// <summary><c>GET /api/v1/usage</c>.</summary>
    public static UsageReport Usage(JsonNode? body) => new(
        Json.Text(body?["payer"]),
        Json.Text(body?["meter"]),
        Json.Text(body?["window"]),
        Json.Text(body?["from"]),
        Json.Text(body?["to"]),
        [.. Json.Items(body, "rows").OfType<JsonObject>().Select(r => new UsageRow(Json.Text(r["windowStart"]), Fields(r["group"]), Json.Number(r["quantity"]) ?? 0))]);

    /// <summary><c>GET /api/v1/invoices</c> and <c>POST /api/v1/periods/{month}/close</c>.</summary>
    public static InvoiceList InvoiceList(JsonNode? body) => new(
        body is JsonObject o ? Json.Text(o["period"]) : null,
        [.. Json.Items(body, "invoices", "items", "value").OfType<JsonObject>().Select(Summary)]);

    /// <summary><c>GET /api/v1/invoices/{id}</c>; null when the answer is not a JSON object.</summary>
    public static Invoice? Invoice(JsonNode? body) => body is JsonObject o
        ? new Invoice(
            Summary(o),
            [.. Json.Items(o["lines"]).OfType<JsonObject>().Select(l => new InvoiceLine(
                Json.Text(l["meter"]), Json.Text(l["description"]), Fields(l["group"]), Json.Text(l["quantity"]), Json.Text(l["unit"]), Json.Text(l["unitPrice"]), Json.Text(l["amount"])))],
            Json.Text(o["ledger"]?["proof"]))
        : null;

    /// <summary><c>GET /api/v1/burns</c>.</summary>
    public static IReadOnlyList<Burn> Burns(JsonNode? body) =>
        [.. Json.Items(body, "burns", "items", "value").OfType<JsonObject>().Select(b => new Burn(
            Json.Text(b["id"]), Json.Text(b["invoiceId"]), Json.WholeNumber(b["usdMinor"]), Json.Text(b["price"]), Json.Text(b["tokenAmount"]),
            Json.WholeNumber(b["decimals"]), Json.Text(b["status"]), Json.Text(b["signature"]), Json.Text(b["slot"])))];

    /// <summary><c>GET /api/v1/ledger/verify</c>.</summary>
    public static LedgerVerification LedgerVerification(JsonNode? body) => new(
        body?["ok"] is JsonValue v && v.TryGetValue(out bool ok) ? ok : null,
        Json.Text(body?["entries"]),
        Json.Text(body?["anchors"]),
        Json.Number(body?["anchors"]),
        Json.Number(body?["pendingAnchors"]),
        [.. Json.Items(body?["problems"]).Select(p => p is JsonObject po ? string.Join(", ", po.Select(kv => $"{kv.Key}={Json.Text(kv.Value)}")) : Json.Text(p) ?? "")]);

    /// <summary><c>GET /api/v1/ledger/balances</c>.</summary>
    public static IReadOnlyList<LedgerBalance> LedgerBalances(JsonNode? body) =>
        [.. Json.Items(body, "balances").Select(r => new LedgerBalance(Json.Text(r?["account"]), Json.Text(r?["asset"]), Json.Text(r?["amount"])))];

    /// <summary><c>GET /api/health</c>: its <c>status</c>.</summary>
    public static string? HealthStatus(JsonNode? body) => Json.Text(body?["status"]);

    /// <summary><c>POST /api/v1/usage</c>; null when the body is not a JSON object.</summary>
    public static IngestResult? Ingest(string body)
    {
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }

        if (json is null)
        {
            return null;
        }

        var rejected = json["rejected"] is JsonArray array
            ? array.OfType<JsonObject>().Select(r => new IngestRejection(
                Json.WholeNumber(r["index"]),
                Json.Text(r["id"]),
                [.. Json.Items(r["errors"]).Select(x => x is JsonObject e ? $"{Json.Text(e["field"])}: {Json.Text(e["reason"])}" : Json.Text(x) ?? "")])).ToList()
            : null;
        return new IngestResult(Json.WholeNumber(json["accepted"]), rejected);
    }

    private static InvoiceSummary Summary(JsonObject o) => new(
        Json.Text(o["id"]),
        Json.Text(o["payer"]),
        Json.Text(o["plan"]),
        Period(o["period"]),
        Json.Text(o["status"]),
        Json.Text(o["total"]),
        Json.WholeNumber(o["totalMinor"]),
        Json.Text(o["currency"]),
        Json.Text(o["lines"] is JsonArray a ? JsonValue.Create(a.Count) : o["lines"]),
        Json.Text(o["stripeInvoiceId"]));

    private static PeriodRange? Period(JsonNode? node) => node switch
    {
        JsonObject o => new PeriodRange(Json.Text(o["start"]), Json.Text(o["end"])),
        null => null,
        _ => new PeriodRange(null, null, Json.Text(node)),
    };

    /// <summary>An object's fields as text (a group's dimension values); empty for anything else.</summary>
    private static Dictionary<string, string?> Fields(JsonNode? node) =>
        node is JsonObject o ? o.ToDictionary(p => p.Key, p => Json.Text(p.Value), StringComparer.Ordinal) : new Dictionary<string, string?>(StringComparer.Ordinal);
}
