using System.Globalization;
using System.Numerics;
using Billing.Cli.Api.Responses;
using Billing.Cli.Sending;
using Billing.Contracts.Burns;
using Billing.Contracts.Invoices;
using Billing.Contracts.Ledger;
using Billing.Contracts.Usage;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Billing.Cli.Rendering;

/// <summary>Tables for API answers (read by <see cref="ApiResponseReader"/>): null fields render empty.</summary>
public static class Renderers
{
    public static void Usage(IAnsiConsole console, UsageQueryResponse usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var dims = usage.Rows.SelectMany(r => r.Group?.Keys ?? Enumerable.Empty<string>()).Distinct().Order(StringComparer.Ordinal).ToList();
        string title = $"usage {usage.Meter} of {usage.Payer} by {usage.Window} [{usage.From}, {usage.To})";
        var table = new Table { Title = new TableTitle(Markup.Escape(title)) };
        table.AddColumn("window start");
        foreach (string d in dims)
        {
            table.AddColumn(Markup.Escape(d));
        }

        table.AddColumn(new TableColumn("quantity").RightAligned());
        decimal total = 0;
        foreach (var row in usage.Rows)
        {
            var cells = new List<string?> { row.WindowStart };
            cells.AddRange(dims.Select(d => row.Group?.GetValueOrDefault(d)));
            decimal q = row.Quantity;
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

    public static void InvoiceList(IAnsiConsole console, IReadOnlyList<InvoiceSummaryResponse> items, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(items);
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
        foreach (var i in items)
        {
            Row(table, [i.Id, i.Payer, i.Plan, Period(i.Period), i.Status, Money(i.Total, i.Currency), i.Lines.ToString(CultureInfo.InvariantCulture), i.StripeInvoiceId]);
        }

        console.Write(table);
        console.WriteLine($"{items.Count} invoice(s)");
    }

    /// <param name="console">Where to write.</param>
    /// <param name="invoice">The invoice; null (no invoice object in the answer) renders an empty header and table.</param>
    public static void Invoice(IAnsiConsole console, InvoiceResponse? invoice)
    {
        var summary = invoice;
        var header = new Grid();
        header.AddColumn(new GridColumn().NoWrap());
        header.AddColumn();
        foreach (var (label, value) in new (string, string?)[]
        {
            ("invoice", summary?.Id),
            ("payer", summary?.Payer),
            ("plan", summary?.Plan),
            ("period", Period(summary?.Period)),
            ("status", summary?.Status),
            ("total", summary is not null ? Money(summary.Total, summary.Currency) : null),
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
        foreach (var line in invoice?.Lines ?? [])
        {
            string group = string.Join(", ", (line.Group ?? new Dictionary<string, string>()).Select(p => $"{p.Key}={p.Value}"));
            Row(table, [line.Meter, line.Description, group, line.Quantity.ToString(CultureInfo.InvariantCulture), line.Unit, line.UnitPrice, line.Amount]);
        }

        console.Write(table);
    }

    public static void Burns(IAnsiConsole console, IReadOnlyList<BurnView> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var table = new Table();
        foreach (string c in new[] { "id", "invoice", "usd", "price", "tokens", "status", "signature", "slot" })
        {
            table.AddColumn(c);
        }

        foreach (var b in items)
        {
            Row(table, [b.Id, b.InvoiceId, Cents(b.UsdMinor), b.Price, TokenAmount(b), b.Status, b.Signature, b.Slot?.ToString(CultureInfo.InvariantCulture)]);
        }

        console.Write(table);
        console.WriteLine($"{items.Count} burn(s)");
    }

    /// <summary>Prints <c>ledger verify: ok (N entries, M anchors)</c> or the problems; returns whether the ledger is ok.</summary>
    public static bool LedgerVerify(IAnsiConsole console, LedgerVerifyResponse verification)
    {
        ArgumentNullException.ThrowIfNull(verification);
        string counts = $"{verification.Entries} entries, {verification.Anchors} anchors";
        var problems = verification.Problems ?? [];
        if (verification.Ok && problems.Count == 0)
        {
            console.WriteLine($"ledger verify: ok ({counts})");
            return true;
        }

        console.WriteLine($"ledger verify: FAILED ({counts}, {problems.Count} problem(s))");
        foreach (string p in problems)
        {
            console.WriteLine("  - " + p);
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
    public static string? TokenAmount(BurnView burn)
    {
        ArgumentNullException.ThrowIfNull(burn);
        string? raw = burn.TokenAmount;
        int decimals = burn.Decimals;
        if (raw is null || decimals is not (>= 0 and <= 30) || !BigInteger.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var units))
        {
            return raw;
        }

        int d = decimals;
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

    private static string Money(string? total, string? currency) =>
        total is null ? "" : currency is null ? total : $"{total} {currency}";

    private static string? Cents(long? minor) =>
        minor is { } m ? (m / 100m).ToString("0.00", CultureInfo.InvariantCulture) : null;

    /// <summary>A month-aligned period as yyyy-MM, otherwise "start – end".</summary>
    public static string? Period(InvoicePeriodRange? period)
    {
        if (period is null)
        {
            return null;
        }

        string? start = period.Start, end = period.End;
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
