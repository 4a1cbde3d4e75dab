using Billing.Cli.Ledger;

namespace Billing.Cli.Commands;

/// <summary><c>billing invoices</c>: list, get, export and verify invoices.</summary>
internal static class InvoicesCommands
{
    public static Command Create(CliContext context, GlobalOptions g) =>
        new("invoices", "List, show and export invoices.") { List(context, g), Get(context, g), Export(context, g), Verify(context, g) };

    private static Command List(CliContext context, GlobalOptions g)
    {
        var list = new Command("list",
            """
            List invoice summaries (GET /api/v1/invoices).

            Examples:
              billing invoices list --period 2026-10
              billing invoices list --payer carrier-tmo --json
            """);
        var period = new Option<string?>("--period") { Description = "month, yyyy-MM" };
        var payer = new Option<string?>("--payer") { Description = "payer id" };
        list.Add(period);
        list.Add(payer);
        var json = JsonOutput.AddTo(list);
        list.Handle(context, async (p, ct) =>
        {
            var query = new List<string>();
            if (p.GetValue(period) is { } pe)
            {
                query.Add("period=" + ArgumentChecks.ParseMonth(pe, "--period").ToString("yyyy-MM", CultureInfo.InvariantCulture));
            }

            if (p.GetValue(payer) is { } pa)
            {
                query.Add("payer=" + Uri.EscapeDataString(pa));
            }

            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            var body = await api.GetJsonAsync("/api/v1/invoices" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), ct).ConfigureAwait(false);
            var answer = ApiResponseReader.InvoiceList(body);
            int exit = await JsonOutput.PrintAsync(context, p.GetValue(json), body, console => Renderers.InvoiceList(console, answer.Invoices)).ConfigureAwait(false);
            await UnreadableRowsWarning.WriteAsync(context, "invoice", answer.Unreadable?.Select(u => $"{u.Id} ({u.Reason})").ToList()).ConfigureAwait(false);
            return exit;
        });
        return list;
    }

    private static Command Get(CliContext context, GlobalOptions g)
    {
        var get = new Command("get",
            """
            Show one invoice (GET /api/v1/invoices/{id}): a table (header and lines), the JSON, or the CSV; or save
            the invoice document as a PDF (issuer, payer, lines, totals, payments, the burn, the ledger entry and anchor).

            Examples:
              billing invoices get INV-carrier-tmo-202610
              billing invoices get INV-tenant-lab-202610 --format csv > invoice.csv
              billing invoices get INV-carrier-tmo-202610 --pdf INV-carrier-tmo-202610.pdf
            """);
        var id = new Argument<string>("id") { Description = "invoice id, e.g. INV-carrier-tmo-202610" };
        var format = new Option<string>("--format") { Description = "table, json or csv", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "csv");
        var pdf = new Option<string?>("--pdf") { Description = "save the invoice as a PDF document to this file" };
        get.Add(id);
        get.Add(format);
        get.Add(pdf);
        get.Handle(context, async (p, ct) =>
        {
            var endpoint = g.Endpoint(p, context);
            string f = p.GetValue(format) ?? "table";
            using var api = ApiSession.Open(endpoint, context);
            if (p.GetValue(pdf) is { } file)
            {
                var document = await api.Api.SendOkAsync(
                    new ApiRequest(HttpMethod.Get, "/api/v1/invoices/" + Uri.EscapeDataString(p.GetValue(id) ?? ""), api.FinanceKey) { Accept = "application/pdf", Binary = true },
                    ct).ConfigureAwait(false);
                await File.WriteAllBytesAsync(file, document.Bytes ?? [], ct).ConfigureAwait(false);
                context.Console.WriteLine($"wrote {file} ({(document.Bytes?.Length ?? 0).ToString(CultureInfo.InvariantCulture)} bytes)");
                return ExitCodes.Ok;
            }

            var response = await api.Api.SendOkAsync(
                new ApiRequest(HttpMethod.Get, "/api/v1/invoices/" + Uri.EscapeDataString(p.GetValue(id) ?? ""), api.FinanceKey) { Accept = f == "csv" ? "text/csv" : "application/json" },
                ct).ConfigureAwait(false);
            switch (f)
            {
                case "csv":
                    await context.Out.WriteAsync(TerminalText.VisibleLines(response.Body)).ConfigureAwait(false); // its rows' line ends kept
                    break;
                case "json":
                    await context.Out.WriteLineAsync(Json.Pretty(response.Json())).ConfigureAwait(false);
                    break;
                default:
                    Renderers.Invoice(context.Console, ApiResponseReader.Invoice(response.Json()));
                    break;
            }

            return ExitCodes.Ok;
        });
        return get;
    }

    private static Command Export(CliContext context, GlobalOptions g)
    {
        var export = new Command("export",
            """
            Export all invoices of a month: CSV (GET /api/v1/invoices?period=...&format=csv) or JSON (every invoice in full).

            Examples:
              billing invoices export --period 2026-10 --out invoices-2026-10.csv
              billing invoices export --period 2026-10 --format json --out invoices-2026-10.json
            """);
        var exportPeriod = new Option<string>("--period") { Description = "month, yyyy-MM", Required = true };
        var exportFormat = new Option<string>("--format") { Description = "csv or json", DefaultValueFactory = _ => "csv" };
        exportFormat.AcceptOnlyFromAmong("csv", "json");
        var output = new Option<string?>("--out", "-o") { Description = "output file (default: stdout)" };
        export.Add(exportPeriod);
        export.Add(exportFormat);
        export.Add(output);
        export.Handle(context, async (p, ct) =>
        {
            string month = ArgumentChecks.ParseMonth(p.GetValue(exportPeriod) ?? "", "--period").ToString("yyyy-MM", CultureInfo.InvariantCulture);
            using var session = ApiSession.Open(g.Endpoint(p, context), context);
            string apiKey = session.FinanceKey;
            var api = session.Api;
            string text;
            if (p.GetValue(exportFormat) == "json")
            {
                var summaries = ApiResponseReader.InvoiceList(await api.GetJsonAsync($"/api/v1/invoices?period={month}", apiKey, ct).ConfigureAwait(false));
                var full = new JsonArray();
                foreach (var s in summaries.Invoices)
                {
                    full.Add(await api.GetJsonAsync("/api/v1/invoices/" + Uri.EscapeDataString(s.Id ?? ""), apiKey, ct).ConfigureAwait(false));
                }

                text = Json.Pretty(full) + "\n";
                await UnreadableRowsWarning.WriteAsync(context, "invoice", summaries.Unreadable?.Select(u => $"{u.Id} ({u.Reason})").ToList()).ConfigureAwait(false);
            }
            else
            {
                var response = await api.SendOkAsync(new ApiRequest(HttpMethod.Get, $"/api/v1/invoices?period={month}&format=csv", apiKey) { Accept = "text/csv" }, ct).ConfigureAwait(false);
                text = response.Body;
                await UnreadableRowsWarning.WriteAsync(context, "invoice", response.Headers.TryGetValue(InvoiceListHeaders.Unreadable, out string? named) && named.Length > 0
                    ? UnreadableRowsHeader.Parse(named).ToList()
                    : null).ConfigureAwait(false);
            }

            if (p.GetValue(output) is { } path)
            {
                // A CSV file starts with a byte order mark, as the API's download does, so a spreadsheet reads it as UTF-8.
                await File.WriteAllTextAsync(path, text, new UTF8Encoding(p.GetValue(exportFormat) != "json"), ct).ConfigureAwait(false);
                context.Console.WriteLine($"wrote {path}");
            }
            else
            {
                await context.Out.WriteAsync(TerminalText.VisibleLines(text)).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return export;
    }

    private static Command Verify(CliContext context, GlobalOptions g)
    {
        var verifyInvoice = new Command("verify",
            """
            Check that an invoice is in the ledger as anchored on Solana, trusting only the chain: fetch the invoice and
            its ledger entry's inclusion proof from the API, recompute the entry's hash, and check the proof against the
            root in the anchor memo of the proof's transaction, which must be signed by the anchor authority (read over
            Solana JSON-RPC), and check that the invoice shown books that entry (currency, payer, period, plan, the total
            and each revenue account's sum of its lines; the entry does not fix how a meter's amount splits over its
            lines, nor descriptions or quantities). Exit 1 if not included or not the same.

            Examples:
              billing invoices verify INV-carrier-tmo-202610 --rpc http://127.0.0.1:8899 --authority <key> --key dev-carrier-key
            """);
        var invoiceId = new Argument<string>("id") { Description = "invoice id, e.g. INV-carrier-tmo-202610" };
        verifyInvoice.Add(invoiceId);
        var chain = ChainOptions.AddTo(verifyInvoice, rpcRequired: true);
        verifyInvoice.Handle(context, async (p, ct) =>
        {
            using var api = ApiSession.Open(g.Endpoint(p, context), context);
            string idText = p.GetValue(invoiceId) ?? "";
            var invoice = ApiResponseReader.Invoice(await api.GetJsonAsync("/api/v1/invoices/" + Uri.EscapeDataString(idText), ct).ConfigureAwait(false));
            string? proofPath = invoice?.Ledger?.Proof;
            if (proofPath is null)
            {
                await context.Out.WriteLineAsync($"invoice verify {idText}: FAILED (the invoice links to no ledger proof)").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            var verifier = chain.Verifier(p, api, p.GetValue(chain.Rpc)!);
            var (e, anchor, problems) = await verifier.VerifyEntryAsync(proofPath, ct).ConfigureAwait(false);
            var all = problems.ToList();
            if (e is not null && invoice is not null)
            {
                if (invoice.Id != idText)
                {
                    all.Add($"asked for invoice {idText}, the platform answered {invoice.Id}");
                }

                all.AddRange(InvoiceEntryCheck.Problems(invoice, e));
            }

            return await ChainOptions.ReportEntryAsync(context, idText, e, anchor, all).ConfigureAwait(false);
        });
        return verifyInvoice;
    }
}
