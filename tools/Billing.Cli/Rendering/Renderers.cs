using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Billing.Cli.Sending;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Billing.Cli.Rendering;

/// <summary>Tables for API answers. Tolerant: missing fields render empty, numbers may come as strings.</summary>
public static class Renderers
{
    public static void Usage(IAnsiConsole console, JsonNode? body)
    {
        var rows = Json.Items(body, "rows");
        var dims = rows.OfType<JsonObject>().SelectMany(r => r["group"] is JsonObject g ? g.Select(p => p.Key) : []).Distinct().Order(StringComparer.Ordinal).ToList();
        string title = $"usage {Json.Text(body?["meter"])} of {Json.Text(body?["payer"])} by {Json.Text(body?["window"])} [{Json.Text(body?["from"])}, {Json.Text(body?["to"])})";
        var table = new Table { Title = new TableTitle(Markup.Escape(title)) };
        table.AddColumn("window start");
        foreach (string d in dims)
        {
            table.AddColumn(Markup.Escape(d));
        }

        table.AddColumn(new TableColumn("quantity").RightAligned());
        decimal total = 0;
        foreach (var row in rows.OfType<JsonObject>())
        {
            var cells = new List<string?> { Json.Text(row["windowStart"]) };
            cells.AddRange(dims.Select(d => Json.Text(row["group"]?[d])));
            decimal q = Json.Number(row["quantity"]) ?? 0;
            total += q;
            cells.Add(Number(q));
            Row(table, cells);
        }

        var footer = new List<string?> { "total" };
        footer.AddRange(dims.Select(_ => (string?)""));
        footer.Add(Number(total));
        Row(table, footer);
        console.Write(table);
    }

    public static void InvoiceList(IAnsiConsole console, JsonNode? body, string? title = null)
    {
        var items = Json.Items(body, "invoices", "items", "value");
        var table = new Table();
        if (title is not null)
        {
            table.Title = new TableTitle(Markup.Escape(title));
        }

        foreach (string c in new[] { "id", "payer", "plan", "period", "status", "total", "lines", "stripe" })
        {
            table.AddColumn(c);
        }

        table.Columns[5].RightAligned();
        foreach (var i in items.OfType<JsonObject>())
        {
            Row(table, [Json.Text(i["id"]), Json.Text(i["payer"]), Json.Text(i["plan"]), Period(i["period"]), Json.Text(i["status"]), Money(i), Json.Text(i["lines"] is JsonArray a ? JsonValue.Create(a.Count) : i["lines"]), Json.Text(i["stripeInvoiceId"])]);
        }

        console.Write(table);
        console.WriteLine($"{items.Count} invoice(s)");
    }

    public static void Invoice(IAnsiConsole console, JsonNode? body)
    {
        var header = new Grid();
        header.AddColumn(new GridColumn().NoWrap());
        header.AddColumn();
        foreach (var (label, value) in new (string, string?)[]
        {
            ("invoice", Json.Text(body?["id"])),
            ("payer", Json.Text(body?["payer"])),
            ("plan", Json.Text(body?["plan"])),
            ("period", Period(body?["period"])),
            ("status", Json.Text(body?["status"])),
            ("total", body is JsonObject o ? Money(o) : null),
        })
        {
            header.AddRow(new Text(label + ":"), new Text(value ?? ""));
        }

        console.Write(header);
        var table = new Table();
        foreach (string c in new[] { "meter", "description", "group", "quantity", "unit", "unit price", "amount" })
        {
            table.AddColumn(c);
        }

        table.Columns[3].RightAligned();
        table.Columns[5].RightAligned();
        table.Columns[6].RightAligned();
        foreach (var line in Json.Items(body?["lines"]).OfType<JsonObject>())
        {
            string group = line["group"] is JsonObject g ? string.Join(", ", g.Select(p => $"{p.Key}={Json.Text(p.Value)}")) : Json.Text(line["group"]) ?? "";
            Row(table, [Json.Text(line["meter"]), Json.Text(line["description"]), group, Json.Text(line["quantity"]), Json.Text(line["unit"]), Json.Text(line["unitPrice"]), Json.Text(line["amount"])]);
        }

        console.Write(table);
    }

    public static void Burns(IAnsiConsole console, JsonNode? body)
    {
        var items = Json.Items(body, "burns", "items", "value");
        var table = new Table();
        foreach (string c in new[] { "id", "invoice", "usd", "price", "tokens", "status", "signature", "slot" })
        {
            table.AddColumn(c);
        }

        foreach (var b in items.OfType<JsonObject>())
        {
            Row(table, [Json.Text(b["id"]), Json.Text(b["invoiceId"]), Cents(Json.WholeNumber(b["usdMinor"])), Json.Text(b["price"]), TokenAmount(b), Json.Text(b["status"]), Json.Text(b["signature"]), Json.Text(b["slot"])]);
        }

        console.Write(table);
        console.WriteLine($"{items.Count} burn(s)");
    }

    /// <summary>Prints <c>ledger verify: ok (N entries, M anchors)</c> or the problems; returns whether the ledger is ok.</summary>
    public static bool LedgerVerify(IAnsiConsole console, JsonNode? body)
    {
        bool ok = body?["ok"] is JsonValue v && v.TryGetValue(out bool b) && b;
        string counts = $"{Json.Text(body?["entries"]) ?? "?"} entries, {Json.Text(body?["anchors"]) ?? "?"} anchors";
        var problems = Json.Items(body?["problems"]);
        if (ok && problems.Count == 0)
        {
            console.WriteLine($"ledger verify: ok ({counts})");
            return true;
        }

        console.WriteLine($"ledger verify: FAILED ({counts}, {problems.Count} problem(s))");
        foreach (var p in problems)
        {
            console.WriteLine("  - " + (p is JsonObject o ? string.Join(", ", o.Select(kv => $"{kv.Key}={Json.Text(kv.Value)}")) : Json.Text(p)));
        }

        return false;
    }

    public static void SendSummary(IAnsiConsole console, SendReport report)
    {
        var table = new Table { Title = new TableTitle("send summary") };
        table.AddColumn("events read");
        table.AddColumn("sent");
        table.AddColumn("accepted");
        table.AddColumn("rejected");
        table.AddColumn("unparseable lines");
        table.AddColumn("requests");
        Row(table, [N(report.Read), N(report.Sent), N(report.Accepted), N(report.Rejected.Count), N(report.Unparseable.Count), N(report.Requests)]);
        console.Write(table);

        const int Max = 50;
        if (report.Unparseable.Count > 0)
        {
            var bad = new Table { Title = new TableTitle("skipped lines (not valid JSON events)") };
            bad.AddColumn("file:line");
            bad.AddColumn("reason");
            foreach (var b in report.Unparseable.Take(Max))
            {
                Row(bad, [$"{b.File}:{b.Line}", b.Reason]);
            }

            console.Write(bad);
            More(console, report.Unparseable.Count, Max);
        }

        if (report.Rejected.Count > 0)
        {
            var rej = new Table { Title = new TableTitle("rejected by the API") };
            rej.AddColumn("file:line");
            rej.AddColumn("id");
            rej.AddColumn("reasons");
            foreach (var r in report.Rejected.Take(Max))
            {
                Row(rej, [$"{r.File}:{r.Line}", r.Id, string.Join("; ", r.Reasons)]);
            }

            console.Write(rej);
            More(console, report.Rejected.Count, Max);
        }

        if (report.Aborted is not null)
        {
            console.WriteLine("stopped: " + report.Aborted);
        }
    }

    /// <summary>Base units with the mint's decimals as a decimal string, e.g. 4938000000 with 8 → 49.38000000.</summary>
    public static string? TokenAmount(JsonObject burn)
    {
        string? raw = Json.Text(burn["tokenAmount"]);
        long? decimals = Json.WholeNumber(burn["decimals"]);
        if (raw is null || decimals is not (>= 0 and <= 30) || !BigInteger.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var units))
        {
            return raw;
        }

        int d = (int)decimals.Value;
        string digits = units.ToString(CultureInfo.InvariantCulture).PadLeft(d + 1, '0');
        return d == 0 ? digits : $"{digits[..^d]}.{digits[^d..]}";
    }

    private static void More(IAnsiConsole console, int count, int shown)
    {
        if (count > shown)
        {
            console.WriteLine($"… and {count - shown} more");
        }
    }

    private static string Money(JsonObject o)
    {
        string? total = Json.Text(o["total"]) ?? Cents(Json.WholeNumber(o["totalMinor"]));
        string? currency = Json.Text(o["currency"]);
        return total is null ? "" : currency is null ? total : $"{total} {currency}";
    }

    private static string? Cents(long? minor) =>
        minor is { } m ? (m / 100m).ToString("0.00", CultureInfo.InvariantCulture) : null;

    /// <summary>A month-aligned period as yyyy-MM, otherwise "start – end".</summary>
    public static string? Period(JsonNode? period)
    {
        if (period is not JsonObject o)
        {
            return Json.Text(period);
        }

        string? start = Json.Text(o["start"]), end = Json.Text(o["end"]);
        if (DateTimeOffset.TryParse(start, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var s)
            && DateTimeOffset.TryParse(end, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var e)
            && s.ToUniversalTime() is { Day: 1, Hour: 0, Minute: 0, Second: 0 } su
            && su.AddMonths(1) == e.ToUniversalTime())
        {
            return su.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        }

        return $"{start} – {end}";
    }

    private static string Number(decimal d) => d.ToString("#,0.######", CultureInfo.InvariantCulture);

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static void Row(Table table, IEnumerable<string?> cells) =>
        table.AddRow(cells.Select(c => (IRenderable)new Text(c ?? "")).ToArray());
}
