using Billing.Contracts.Periods;

namespace Billing.Cli.Rendering;

/// <summary>Tables for API answers (read by <see cref="ApiResponseReader"/>): null fields render empty.</summary>
public static class Renderers
{
    public static void Usage(IAnsiConsole console, UsageQueryResponse usage)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(usage);
        var dims = usage.Rows.SelectMany(r => r.Group?.Keys ?? Enumerable.Empty<string>()).Distinct().Order(StringComparer.Ordinal).ToList();
        var table = new FittedTable().Column("window start");
        foreach (string d in dims)
        {
            table.Column(d, shorten: v => Ids.Abbreviate(v, 6)); // hotspots are 44-character keys
        }

        table.Column("quantity", right: true);
        decimal total = 0;
        foreach (var row in usage.Rows)
        {
            var cells = new List<string?> { row.WindowStart };
            cells.AddRange(dims.Select(d => row.Group?.GetValueOrDefault(d)));
            decimal q = row.Quantity;
            total += q;
            cells.Add(Number(q));
            table.Row([.. cells]);
        }

        var footer = new List<string?> { "total" };
        footer.AddRange(dims.Select(_ => (string?)""));
        footer.Add(Number(total));
        table.Row([.. footer]);
        console.WriteLine(TerminalText.Visible($"usage {usage.Meter} of {usage.Payer} by {usage.Window}, [{usage.From}, {usage.To})"));
        console.Write(table.Build(console.Profile.Width));
    }

    public static void InvoiceList(IAnsiConsole console, IReadOnlyList<InvoiceSummaryResponse> items, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(items);
        // The id names payer and period, so those go first when the terminal is narrow.
        var table = new FittedTable()
            .Column("id", shorten: id => Ids.Invoice(id)).Column("payer", dropOrder: 3).Column("plan", dropOrder: 4).Column("period", dropOrder: 2)
            .Column("status").Column("total", right: true).Column("lines", right: true, dropOrder: 1).Column("stripe", shorten: v => Ids.Abbreviate(v));
        foreach (var i in items)
        {
            table.Row(i.Id, i.Payer, i.Plan, Period(i.Period), i.Status, Amounts.Major(i.Total, i.Currency), i.Lines.ToString(CultureInfo.InvariantCulture), i.StripeInvoiceId);
        }

        console.Write(table.Build(console.Profile.Width, title));
        console.WriteLine($"{items.Count} invoice(s)");
    }

    /// <summary>The payers a close could not bill, with why (nothing when none failed).</summary>
    public static void CloseFailures(IAnsiConsole console, IReadOnlyList<PeriodCloseFailure>? failed, string period)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (failed is not { Count: > 0 })
        {
            return;
        }

        console.WriteLine($"{failed.Count} payer(s) failed; closing {period} again retries them:");
        foreach (var f in failed)
        {
            console.WriteLine(TerminalText.Visible($"  {f.Payer}: {f.Reason}")); // a payer id and a storage message: text from outside
        }
    }

    /// <param name="console">Where to write.</param>
    /// <param name="invoice">The invoice; null (no invoice object in the answer) renders an empty header and table.</param>
    public static void Invoice(IAnsiConsole console, InvoiceResponse? invoice)
    {
        var summary = invoice;
        var header = new Grid();
        header.AddColumn(new GridColumn().NoWrap());
        header.AddColumn();
        (string Label, string? Value)[] rows =
        [
            ("invoice", summary?.Id),
            ("payer", summary?.Payer),
            ("plan", summary?.Plan),
            ("period", Period(summary?.Period)),
            ("status", summary?.Status),
            ("total", summary is not null ? Amounts.Major(summary.Total, summary.Currency) : null),
            .. InvoiceCreditText.Totals(summary),
        ];
        foreach (var (label, value) in rows)
        {
            header.AddRow(new Text(label + ":"), new Text(TerminalText.Visible(value) ?? ""));
        }

        console.Write(header);
        string currency = invoice?.Currency ?? "";
        var table = new FittedTable()
            .Column("meter", dropOrder: 2).Column("description").Column("group", shorten: v => Ids.Abbreviate(v, 8), dropOrder: 1).Column("quantity", right: true)
            .Column("unit").Column("unit price", right: true).Column($"amount {currency}".TrimEnd(), right: true);
        foreach (var line in invoice?.Lines ?? [])
        {
            string group = string.Join(", ", (line.Group ?? new Dictionary<string, string>()).Select(p => $"{p.Key}={p.Value}"));
            string amount = Amounts.Major(line.Amount, currency);
            table.Row(line.Meter, line.Description, group, Number(line.Quantity), line.Unit, line.UnitPrice, amount.EndsWith(" " + currency, StringComparison.Ordinal) ? amount[..^(currency.Length + 1)] : amount);
        }

        console.Write(table.Build(console.Profile.Width));
        InvoiceCreditText.Notes(console, invoice);
    }

    /// <summary>Ledger balances: money in major units with its currency, tokens with the mint's decimals when known.</summary>
    public static void Balances(IAnsiConsole console, IReadOnlyList<LedgerBalance> balances, int? tokenDecimals)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(balances);
        var table = new FittedTable().Column("account", shorten: a => Ids.Abbreviate(a, 14)).Column("balance", right: true);
        foreach (var row in balances)
        {
            table.Row(row.Account, Amounts.Balance(row.Amount, row.Asset, tokenDecimals));
        }

        console.Write(table.Build(console.Profile.Width));
    }

    /// <summary>
    /// The burns, then every signature and marker in full on a line of its own (a table cell holds only its head and tail): the
    /// marker is the account whose state tells, on chain, whether a transaction of the burn landed.
    /// </summary>
    public static void Burns(IAnsiConsole console, IReadOnlyList<BurnView> items)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(items);
        var table = new FittedTable()
            .Column("id", shorten: v => Ids.Abbreviate(v, 8), dropOrder: 4).Column("invoice", shorten: id => Ids.Invoice(id, 22)).Column("paid", right: true)
            .Column("price", right: true, dropOrder: 2).Column("tokens", right: true).Column("status").Column("signature", shorten: v => Ids.Abbreviate(v))
            .Column("slot", right: true, dropOrder: 3);
        foreach (var b in items)
        {
            table.Row(b.Id, b.InvoiceId, Amounts.Minor(b.UsdMinor, b.Currency), b.Price, TokenAmount(b), b.Status, b.Signature, b.Slot?.ToString(CultureInfo.InvariantCulture));
        }

        console.Write(table.Build(console.Profile.Width));
        console.WriteLine($"{items.Count} burn(s)");
        foreach (var b in items.Where(b => b.Signature is not null))
        {
            console.WriteLine(TerminalText.Visible($"signature of {b.InvoiceId}:"));
            FullValue(console, b.Signature!);
        }

        foreach (var b in items.Where(b => b.Marker is not null))
        {
            console.WriteLine(TerminalText.Visible($"marker of {b.InvoiceId}:"));
            FullValue(console, b.Marker!);
        }

        // What finance decides on: why a burn waits, and every release of it (the last one stands).
        foreach (var b in items)
        {
            if (b.Status == "held")
            {
                console.WriteLine(TerminalText.Visible($"{b.InvoiceId} {b.Reason}")); // every hold reason starts "held: "
            }

            foreach (var r in b.Releases ?? []) // absent from servers older than release histories
            {
                string kept = r.KeptMinor is { } k ? $" of {Amounts.Minor(k, b.Currency)} kept" : "";
                console.WriteLine(TerminalText.Visible(FormattableString.Invariant($"released {b.InvoiceId}: {Amounts.Minor(r.AmountMinor, b.Currency)}{kept}, by {r.ReleasedBy} at {r.ReleasedAt:u}: {r.Note}"))); // a stored row may hold escapes
            }
        }
    }

    /// <summary>
    /// Writes an id or signature alone on its line, unwrapped even when longer than the terminal (the console would fold
    /// it), so it can be copied whole; written past the console's markup, so spelled out (<see cref="TerminalText.Visible"/>):
    /// a stored value may be any text. With <paramref name="lines"/> (a payload) its line breaks are kept.
    /// </summary>
    public static void FullValue(IAnsiConsole console, string value, bool lines = false)
    {
        ArgumentNullException.ThrowIfNull(console);
        var writer = console.Profile.Out.Writer;
        writer.Write(lines ? TerminalText.VisibleLines(value) : TerminalText.Visible(value));
        writer.Write('\n');
        writer.Flush();
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
            StallWindow(console, verification);
            return true;
        }

        console.WriteLine($"ledger verify: FAILED ({counts}, {problems.Count} problem(s))");
        foreach (string p in problems)
        {
            console.WriteLine("  - " + TerminalText.Visible(p));
        }

        StallWindow(console, verification);
        return false;
    }

    /// <summary>
    /// The stall window the platform judged by, as the chain verifier's option (whole minutes, rounded up): it cannot read
    /// the deployment's settings, and its default fits the default settings only. Nothing from a platform that does not say.
    /// The retired anchor keys go into the hint too: the current key alone passes a book rewritten just before the change.
    /// </summary>
    private static void StallWindow(IAnsiConsole console, LedgerVerifyResponse verification)
    {
        if (verification.MaxChainSilenceSeconds > 0)
        {
            int seconds = verification.MaxChainSilenceSeconds;
            int minutes = seconds / 60 + (seconds % 60 > 0 ? 1 : 0);
            string retired = string.Concat((verification.RetiredAuthorities ?? []).Select(key => " --retired-authority " + key));
            console.WriteLine(TerminalText.Visible(string.Create(CultureInfo.InvariantCulture,
                $"stall window: {seconds} s; to verify against the chain yourself: billing ledger verify --rpc <url> --authority {verification.Authority ?? "<key>"}{retired} --ledger {verification.Ledger ?? "<name>"} --max-silence-minutes {minutes}")) ?? "");
        }
    }

    /// <summary>The verdict, each mismatch, then what is pending (never a failure).</summary>
    public static void LedgerReconcile(IAnsiConsole console, LedgerReconcileResponse reconciliation)
    {
        ArgumentNullException.ThrowIfNull(reconciliation);
        string counts = $"{reconciliation.Invoices} invoices, {reconciliation.Payments} payments, {reconciliation.Burns} burns, {reconciliation.Entries} entries";
        var mismatches = reconciliation.Mismatches ?? [];
        var pending = reconciliation.Pending ?? []; // a platform from before pending answers without it
        console.WriteLine(reconciliation.Ok && mismatches.Count == 0
            ? $"ledger reconcile: ok ({counts})"
            : $"ledger reconcile: FAILED ({counts}, {mismatches.Count} mismatch(es))");
        foreach (var m in mismatches)
        {
            // The digest's start names this detail to `billing ledger acknowledge --detail` (absent from a platform without
            // acknowledgements); offered only where the platform says the kind can be acknowledged (older platforms do not say).
            string digest = (m.DetailSha256, m.Acknowledgeable) switch
            {
                (_, false) => "",
                ({ Length: >= 12 } sha, true) => $" [detail {sha[..12]}, can be acknowledged]",
                ({ Length: >= 12 } sha, null) => $" [detail {sha[..12]}]",
                _ => "",
            };
            console.WriteLine("  - " + TerminalText.Visible($"{m.Kind} {m.Subject}: {m.Detail}") + digest);
        }

        if (pending.Count > 0)
        {
            console.WriteLine($"pending ({pending.Count}), billed by the next close:");
            foreach (var m in pending)
            {
                console.WriteLine("  - " + TerminalText.Visible($"{m.Kind} {m.Subject}: {m.Detail}"));
            }
        }

        var acknowledged = reconciliation.Acknowledged ?? []; // a platform from before acknowledgements answers without it
        if (acknowledged.Count > 0)
        {
            console.WriteLine($"acknowledged ({acknowledged.Count}), settled outside the platform:");
            AcknowledgedFindings(console, acknowledged);
        }
    }

    /// <summary>What <c>billing ledger acknowledge</c> booked, or found booked before.</summary>
    public static void Acknowledged(IAnsiConsole console, AcknowledgeFindingResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        console.WriteLine(response.Replay ? "acknowledged before (nothing booked):" : $"acknowledged ({response.Acknowledged.Count}):");
        AcknowledgedFindings(console, response.Acknowledged);
    }

    private static void AcknowledgedFindings(IAnsiConsole console, IReadOnlyList<AcknowledgedFinding> findings)
    {
        foreach (var a in findings)
        {
            console.WriteLine("  - " + TerminalText.Visible($"{a.Kind} {a.Subject}: {a.Detail}"));
            console.WriteLine("    " + TerminalText.Visible($"by {a.AcknowledgedBy} at {a.AcknowledgedAt:u}: {a.Note} ({a.EntryId})"));
        }
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
            var rej = new FittedTable().Column("file:line").Column("id", shorten: v => Ids.Abbreviate(v, 8)).Column("reasons");
            foreach (var r in report.Rejected.Take(Max))
            {
                rej.Row($"{r.File}:{r.Line}", r.Id, string.Join("; ", r.Reasons));
            }

            console.Write(rej.Build(console.Profile.Width, "rejected by the API"));
            More(console, report.Rejected.Count, Max);
        }

        if (report.Aborted is not null)
        {
            console.WriteLine("stopped: " + TerminalText.Visible(report.Aborted)); // may quote the API's problem
        }
    }

    /// <summary>Base units with the mint's decimals as a decimal string, e.g. 4938000000 with 8 → 49.38000000.</summary>
    public static string? TokenAmount(BurnView burn)
    {
        ArgumentNullException.ThrowIfNull(burn);
        return Amounts.Tokens(burn.TokenAmount, burn.Decimals) ?? burn.TokenAmount;
    }

    private static void More(IAnsiConsole console, int count, int shown)
    {
        if (count > shown)
        {
            console.WriteLine($"… and {count - shown} more");
        }
    }

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

    /// <summary>Grouped, with every decimal the value has (an invoice line below a millionth keeps its first significant digit).</summary>
    private static string Number(decimal d) => d.ToString("#,0.############################", CultureInfo.InvariantCulture);

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static void Row(Table table, IEnumerable<string?> cells) =>
        table.AddRow(cells.Select(c => (IRenderable)new Text(TerminalText.Visible(c) ?? "")).ToArray());
}
