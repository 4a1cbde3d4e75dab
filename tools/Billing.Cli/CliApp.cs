using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Billing.Cli.Api;
using Billing.Cli.Demo;
using Billing.Cli.Generation;
using Billing.Cli.Ledger;
using Billing.Cli.Rendering;
using Billing.Cli.Sending;
using Billing.Domain.Ledger;
using Billing.Solana.Keys;
using Billing.Solana.Rpc;
using Spectre.Console;

namespace Billing.Cli;

/// <summary>The <c>billing</c> command tree: thin System.CommandLine wiring over the testable classes.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = Build(context);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not (HelpAction or ExamplesHelpAction))
        {
            foreach (var error in parse.Errors)
            {
                await context.Error.WriteLineAsync("error: " + error.Message).ConfigureAwait(false);
            }

            await context.Error.WriteLineAsync($"Run '{CommandPath(parse.CommandResult.Command)} --help' for usage and examples.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var config = new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false };
        return await parse.InvokeAsync(config, cancellationToken).ConfigureAwait(false);
    }

    public static RootCommand Build(CliContext context)
    {
        var url = new Option<string?>("--url") { Description = $"API base URL (env BILLING_URL; default {ApiEndpoint.DefaultUrl})", Recursive = true };
        var key = new Option<string?>("--key") { Description = "API key sent as X-Api-Key (env BILLING_API_KEY; against a loopback URL the local dev key for the command's role is the default)", Recursive = true };
        var g = new Globals(url, key);

        var root = new RootCommand(
            """
            billing: usage, invoices, payments and burns of the DePIN billing platform, over its HTTP API.

            Exit codes: 0 ok, 1 the operation failed, 2 usage error, 3 cannot reach the API / key refused.

            Examples:
              billing generate --seed 7 --out usage.ndjson
              billing send usage.ndjson
              billing usage --payer carrier-tmo --meter offload.bytes --window day
              billing periods close 2026-10
              billing demo --url http://127.0.0.1:7071
            """);
        root.Add(url);
        root.Add(key);
        root.Add(GenerateCommand(context));
        root.Add(SendCommand(context, g));
        root.Add(UsageCommand(context, g));
        root.Add(PeriodsCommand(context, g));
        root.Add(InvoicesCommand(context, g));
        root.Add(BurnsCommand(context, g));
        root.Add(LedgerCommand(context, g));
        root.Add(PayCommand(context, g));
        root.Add(DemoCommand(context, g));

        // "Examples:" paragraphs go after the generated help rather than into every parent's command list.
        var examples = new Dictionary<Command, string>();
        MoveExamples(root, examples);
        var help = root.Options.OfType<HelpOption>().First();
        help.Action = new ExamplesHelpAction((HelpAction)help.Action!, examples);
        return root;
    }

    private static void MoveExamples(Command command, Dictionary<Command, string> examples)
    {
        const string Marker = "Examples:";
        if (command.Description is { } d && d.IndexOf(Marker, StringComparison.Ordinal) is int at and >= 0)
        {
            command.Description = d[..at].TrimEnd();
            examples[command] = d[at..].TrimEnd();
        }

        foreach (var sub in command.Subcommands)
        {
            MoveExamples(sub, examples);
        }
    }

    private sealed class ExamplesHelpAction(HelpAction inner, Dictionary<Command, string> examples) : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            int result = inner.Invoke(parseResult);
            if (examples.TryGetValue(parseResult.CommandResult.Command, out string? text))
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine(text);
                output.WriteLine();
            }

            return result;
        }
    }

    private sealed record Globals(Option<string?> Url, Option<string?> Key);

    private static Command GenerateCommand(CliContext context)
    {
        var cmd = new Command("generate",
            """
            Write realistic, deterministic sample usage as NDJSON (one CloudEvent per line): carrier offload sessions
            (diurnal curve, RAT mix wlan/cbrs/nr, heavy-tailed sizes) and hourly GPU lease intervals. Event times lie in
            the window the API accepts: [max(month start, now - 34 d), min(month end, now - 10 min)).
            Same --seed and --now give byte-identical output.

            Examples:
              billing generate --out usage.ndjson
              billing generate --seed 2 --month 2026-10 --now 2026-11-03T12:00:00Z --sessions 500
              billing generate --carrier carrier-tmo --hotspots 20 --leases 3 --duplicates 0.05 --late 10 > usage.ndjson
            """);
        var seed = new Option<int>("--seed") { Description = "random seed", DefaultValueFactory = _ => 1 };
        var now = new Option<string?>("--now") { Description = "generate as of this instant (RFC 3339; default: now)" };
        var month = new Option<string?>("--month") { Description = "month yyyy-MM (default: the month before --now)" };
        var carriers = new Option<string[]>("--carrier") { Description = "carrier partner id (repeatable)", DefaultValueFactory = _ => ["carrier-tmo"] };
        var hotspots = new Option<int>("--hotspots") { Description = "hotspots per carrier", DefaultValueFactory = _ => 50 };
        var sessions = new Option<int>("--sessions") { Description = "sessions per carrier", DefaultValueFactory = _ => 2000 };
        var provider = new Option<string>("--provider") { Description = "compute provider id", DefaultValueFactory = _ => "provider-nodeops" };
        var tenants = new Option<string[]>("--tenant") { Description = "compute tenant id (repeatable)", DefaultValueFactory = _ => ["tenant-lab"] };
        var leases = new Option<int>("--leases") { Description = "GPU leases (H100/A100/L40S/RTX4090, 1-8 GPUs, hourly intervals)", DefaultValueFactory = _ => 6 };
        var duplicates = new Option<decimal>("--duplicates") { Description = "fraction 0-1 of events re-emitted as exact copies" };
        var late = new Option<int>("--late") { Description = "extra sessions at the end of the file with early timestamps" };
        var output = new Option<string?>("--out", "-o") { Description = "output file (default: stdout)" };
        foreach (var o in new Option[] { seed, now, month, carriers, hotspots, sessions, provider, tenants, leases, duplicates, late, output })
        {
            cmd.Add(o);
        }

        Handle(cmd, context, async (p, ct) =>
        {
            var at = p.GetValue(now) is { } n ? ParseInstant(n, "--now") : context.Time.GetUtcNow();
            DateOnly? m = p.GetValue(month) is { } ms ? ParseMonth(ms, "--month") : null;
            Require(p.GetValue(hotspots) >= 1, "--hotspots must be at least 1");
            Require(p.GetValue(sessions) >= 0, "--sessions must not be negative");
            Require(p.GetValue(leases) >= 0, "--leases must not be negative");
            Require(p.GetValue(late) >= 0, "--late must not be negative");
            Require(p.GetValue(duplicates) is >= 0 and <= 1, "--duplicates must be a fraction between 0 and 1");
            var data = SampleDataGenerator.Generate(new GeneratorOptions
            {
                Seed = p.GetValue(seed),
                Now = at,
                Month = m,
                Carriers = p.GetValue(carriers) ?? [],
                Hotspots = p.GetValue(hotspots),
                Sessions = p.GetValue(sessions),
                Provider = p.GetValue(provider) ?? "provider-nodeops",
                Tenants = p.GetValue(tenants) ?? [],
                Leases = p.GetValue(leases),
                Duplicates = p.GetValue(duplicates),
                Late = p.GetValue(late),
            });
            string summary = $"generated {data.Lines.Count} events: {data.CarrierEvents} carrier sessions, {data.ComputeEvents} GPU intervals, " +
                $"{data.DuplicateEvents} duplicates, {data.LateEvents} late; times in [{SampleDataGenerator.Format(data.WindowStart)}, {SampleDataGenerator.Format(data.WindowEnd)})";
            if (p.GetValue(output) is { } path)
            {
                await using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(false)))
                {
                    await SampleDataGenerator.WriteAsync(data, writer, ct).ConfigureAwait(false);
                }

                context.Console.WriteLine($"{summary} → {path}");
            }
            else
            {
                await SampleDataGenerator.WriteAsync(data, context.Out, ct).ConfigureAwait(false);
                await context.Error.WriteLineAsync(summary).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command SendCommand(CliContext context, Globals g)
    {
        var cmd = new Command("send",
            """
            Post usage events to POST /api/v1/usage in batches. Files are NDJSON (one event per line) or one JSON
            event/array. Lines that are not valid JSON are reported by file and line and skipped; the rest is sent.
            Carrier and compute events go with --carrier-key / --provider-key (or --key for all); against a loopback URL
            the local dev keys are the default. Exit 1 if any event was rejected or any line unparseable.

            Examples:
              billing send usage.ndjson
              billing send a.ndjson b.json --batch 200
              billing send usage.ndjson --url https://billing.example.net --carrier-key $CARRIER_KEY --provider-key $PROVIDER_KEY
            """);
        var files = new Argument<string[]>("file") { Description = "NDJSON or JSON files", Arity = ArgumentArity.OneOrMore };
        var batch = new Option<int>("--batch") { Description = "events per request (at most 1000; requests stay under 1 MiB)", DefaultValueFactory = _ => 500 };
        var carrierKey = new Option<string?>("--carrier-key") { Description = $"key for {SampleDataGenerator.CarrierType} events" };
        var providerKey = new Option<string?>("--provider-key") { Description = $"key for {SampleDataGenerator.ComputeType} events" };
        cmd.Add(files);
        cmd.Add(batch);
        cmd.Add(carrierKey);
        cmd.Add(providerKey);
        Handle(cmd, context, async (p, ct) =>
        {
            int batchSize = p.GetValue(batch);
            Require(batchSize is >= 1 and <= 1000, "--batch must be between 1 and 1000");
            var endpoint = Endpoint(p, g, context);
            var keys = new SendKeys(
                p.GetValue(carrierKey) ?? endpoint.KeyOr(ApiEndpoint.DevCarrierKey),
                p.GetValue(providerKey) ?? endpoint.KeyOr(ApiEndpoint.DevProviderKey),
                endpoint.Key);

            var events = new List<SourceEvent>();
            var bad = new List<BadLine>();
            foreach (string file in p.GetValue(files) ?? [])
            {
                if (!File.Exists(file))
                {
                    throw new UsageException($"file not found: {file}");
                }

                var (e, b) = EventFileReader.Read(file, await File.ReadAllTextAsync(file, ct).ConfigureAwait(false));
                events.AddRange(e);
                bad.AddRange(b);
            }

            foreach (var b in bad)
            {
                await context.Error.WriteLineAsync($"{b.File}:{b.Line}: skipped: {b.Reason}").ConfigureAwait(false);
            }

            using var http = Http(context);
            var sender = new UsageSender(Api(http, endpoint, context), keys, new SendOptions { BatchSize = batchSize });
            SendReport report;
            if (context.Interactive && events.Count > 0)
            {
                report = await context.Console.Progress().StartAsync(async progress =>
                {
                    var task = progress.AddTask("sending events", maxValue: events.Count);
                    return await sender.SendAsync(events, new Progress(n => task.Increment(n)), ct).ConfigureAwait(false);
                }).ConfigureAwait(false);
            }
            else
            {
                report = await sender.SendAsync(events, null, ct).ConfigureAwait(false);
            }

            report.Unparseable.AddRange(bad);
            Renderers.SendSummary(context.Console, report);
            return report.ExitCode;
        });
        return cmd;
    }

    private static Command UsageCommand(CliContext context, Globals g)
    {
        var cmd = new Command("usage",
            """
            Query metered usage (GET /api/v1/usage) as a table, or the API's JSON with --json.
            Meters: offload.bytes, offload.sessions (dimensions hotspot, rat), compute.gpu_seconds (gpuModel, lease, provider).

            Examples:
              billing usage --payer carrier-tmo --meter offload.bytes --from 2026-10-01 --to 2026-11-01 --window day
              billing usage --payer tenant-lab --meter compute.gpu_seconds --window month --group-by gpuModel
              billing usage --payer carrier-tmo --group-by hotspot --group-by rat --json
            """);
        var payer = new Option<string?>("--payer") { Description = "payer id (partners default to themselves)" };
        var meter = new Option<string?>("--meter") { Description = "meter name" };
        var from = new Option<string?>("--from") { Description = "start, RFC 3339 or yyyy-MM-dd (default: start of this month)" };
        var to = new Option<string?>("--to") { Description = "end (exclusive), RFC 3339 or yyyy-MM-dd (default: end of this month)" };
        var window = new Option<string?>("--window") { Description = "hour, day or month (default day)" };
        window.AcceptOnlyFromAmong("hour", "day", "month");
        var groupBy = new Option<string[]>("--group-by") { Description = "dimension to group by (repeatable or comma-separated)" };
        var json = JsonOption();
        foreach (var o in new Option[] { payer, meter, from, to, window, groupBy, json })
        {
            cmd.Add(o);
        }

        Handle(cmd, context, async (p, ct) =>
        {
            var endpoint = Endpoint(p, g, context);
            var query = new List<string>();
            void Add(string name, string? value)
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    query.Add(name + "=" + Uri.EscapeDataString(value));
                }
            }

            Add("payer", p.GetValue(payer));
            Add("meter", p.GetValue(meter));
            Add("from", p.GetValue(from));
            Add("to", p.GetValue(to));
            Add("window", p.GetValue(window));
            Add("groupBy", string.Join(',', (p.GetValue(groupBy) ?? []).SelectMany(x => x.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))));
            using var http = Http(context);
            string path = "/api/v1/usage" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
            var body = await Api(http, endpoint, context).GetJsonAsync(path, endpoint.KeyOr(ApiEndpoint.DevFinanceKey), ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                await context.Out.WriteLineAsync(Json.Pretty(body)).ConfigureAwait(false);
            }
            else
            {
                Renderers.Usage(context.Console, body);
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command PeriodsCommand(CliContext context, Globals g)
    {
        var periods = new Command("periods", "Billing periods (calendar months, UTC).");
        var close = new Command("close",
            """
            Close a month (POST /api/v1/periods/{yyyy-MM}/close): generate and finalize the invoices of every payer.
            Idempotent; the API answers 409 if the month has not ended.

            Examples:
              billing periods close 2026-10
              billing periods close 2026-10 --json
            """);
        var period = new Argument<string>("period") { Description = "month, yyyy-MM" };
        var json = JsonOption();
        close.Add(period);
        close.Add(json);
        Handle(close, context, async (p, ct) =>
        {
            var month = ParseMonth(p.GetValue(period) ?? "", "period");
            string text = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
            var endpoint = Endpoint(p, g, context);
            using var http = Http(context);
            var response = await Api(http, endpoint, context).SendOkAsync(new ApiRequest(HttpMethod.Post, $"/api/v1/periods/{text}/close", endpoint.KeyOr(ApiEndpoint.DevFinanceKey)), ct).ConfigureAwait(false);
            var body = response.Json();
            if (p.GetValue(json))
            {
                await context.Out.WriteLineAsync(Json.Pretty(body)).ConfigureAwait(false);
            }
            else
            {
                Renderers.InvoiceList(context.Console, body, $"invoices for {Json.Text(body?["period"]) ?? text}");
            }

            return ExitCodes.Ok;
        });
        periods.Add(close);
        return periods;
    }

    private static Command InvoicesCommand(CliContext context, Globals g)
    {
        var invoices = new Command("invoices", "List, show and export invoices.");

        var list = new Command("list",
            """
            List invoice summaries (GET /api/v1/invoices).

            Examples:
              billing invoices list --period 2026-10
              billing invoices list --payer carrier-tmo --json
            """);
        var period = new Option<string?>("--period") { Description = "month, yyyy-MM" };
        var payer = new Option<string?>("--payer") { Description = "payer id" };
        var json = JsonOption();
        list.Add(period);
        list.Add(payer);
        list.Add(json);
        Handle(list, context, async (p, ct) =>
        {
            var query = new List<string>();
            if (p.GetValue(period) is { } pe)
            {
                query.Add("period=" + ParseMonth(pe, "--period").ToString("yyyy-MM", CultureInfo.InvariantCulture));
            }

            if (p.GetValue(payer) is { } pa)
            {
                query.Add("payer=" + Uri.EscapeDataString(pa));
            }

            var endpoint = Endpoint(p, g, context);
            using var http = Http(context);
            var body = await Api(http, endpoint, context).GetJsonAsync("/api/v1/invoices" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), endpoint.KeyOr(ApiEndpoint.DevFinanceKey), ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                await context.Out.WriteLineAsync(Json.Pretty(body)).ConfigureAwait(false);
            }
            else
            {
                Renderers.InvoiceList(context.Console, body);
            }

            return ExitCodes.Ok;
        });

        var get = new Command("get",
            """
            Show one invoice (GET /api/v1/invoices/{id}): a table (header and lines), the JSON, or the CSV.

            Examples:
              billing invoices get INV-carrier-tmo-202610
              billing invoices get INV-tenant-lab-202610 --format csv > invoice.csv
            """);
        var id = new Argument<string>("id") { Description = "invoice id, e.g. INV-carrier-tmo-202610" };
        var format = new Option<string>("--format") { Description = "table, json or csv", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "csv");
        get.Add(id);
        get.Add(format);
        Handle(get, context, async (p, ct) =>
        {
            var endpoint = Endpoint(p, g, context);
            string f = p.GetValue(format) ?? "table";
            using var http = Http(context);
            var response = await Api(http, endpoint, context).SendOkAsync(
                new ApiRequest(HttpMethod.Get, "/api/v1/invoices/" + Uri.EscapeDataString(p.GetValue(id) ?? ""), endpoint.KeyOr(ApiEndpoint.DevFinanceKey)) { Accept = f == "csv" ? "text/csv" : "application/json" },
                ct).ConfigureAwait(false);
            switch (f)
            {
                case "csv":
                    await context.Out.WriteAsync(response.Body).ConfigureAwait(false);
                    break;
                case "json":
                    await context.Out.WriteLineAsync(Json.Pretty(response.Json())).ConfigureAwait(false);
                    break;
                default:
                    Renderers.Invoice(context.Console, response.Json());
                    break;
            }

            return ExitCodes.Ok;
        });

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
        Handle(export, context, async (p, ct) =>
        {
            string month = ParseMonth(p.GetValue(exportPeriod) ?? "", "--period").ToString("yyyy-MM", CultureInfo.InvariantCulture);
            var endpoint = Endpoint(p, g, context);
            string apiKey = endpoint.KeyOr(ApiEndpoint.DevFinanceKey);
            using var http = Http(context);
            var api = Api(http, endpoint, context);
            string text;
            if (p.GetValue(exportFormat) == "json")
            {
                var summaries = await api.GetJsonAsync($"/api/v1/invoices?period={month}", apiKey, ct).ConfigureAwait(false);
                var full = new JsonArray();
                foreach (var s in Json.Items(summaries, "invoices").OfType<JsonObject>())
                {
                    full.Add(await api.GetJsonAsync("/api/v1/invoices/" + Uri.EscapeDataString(Json.Text(s["id"]) ?? ""), apiKey, ct).ConfigureAwait(false));
                }

                text = Json.Pretty(full) + "\n";
            }
            else
            {
                text = (await api.SendOkAsync(new ApiRequest(HttpMethod.Get, $"/api/v1/invoices?period={month}&format=csv", apiKey) { Accept = "text/csv" }, ct).ConfigureAwait(false)).Body;
            }

            if (p.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, text, new UTF8Encoding(false), ct).ConfigureAwait(false);
                context.Console.WriteLine($"wrote {path}");
            }
            else
            {
                await context.Out.WriteAsync(text).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });

        var verifyInvoice = new Command("verify",
            """
            Check that an invoice is in the ledger as anchored on Solana, trusting only the chain: fetch the invoice and
            its ledger entry's inclusion proof from the API, recompute the entry's hash, and check the proof against the
            root in the anchor memo of the proof's transaction, which must be signed by the anchor authority (read over
            Solana JSON-RPC). Exit 1 if not included.

            Examples:
              billing invoices verify INV-carrier-tmo-202610 --rpc http://127.0.0.1:8899 --authority <key> --key dev-carrier-key
            """);
        var invoiceId = new Argument<string>("id") { Description = "invoice id, e.g. INV-carrier-tmo-202610" };
        var invRpc = RpcOption();
        var invAuthority = AuthorityOption();
        var invLedger = LedgerNameOption();
        invRpc.Required = true;
        verifyInvoice.Add(invoiceId);
        verifyInvoice.Add(invRpc);
        verifyInvoice.Add(invAuthority);
        verifyInvoice.Add(invLedger);
        Handle(verifyInvoice, context, async (p, ct) =>
        {
            var endpoint = Endpoint(p, g, context);
            using var http = Http(context);
            string idText = p.GetValue(invoiceId) ?? "";
            var invoice = await Api(http, endpoint, context).GetJsonAsync("/api/v1/invoices/" + Uri.EscapeDataString(idText), endpoint.KeyOr(ApiEndpoint.DevFinanceKey), ct).ConfigureAwait(false);
            string? proofPath = Json.Text(invoice?["ledger"]?["proof"]);
            if (proofPath is null)
            {
                await context.Out.WriteLineAsync($"invoice verify {idText}: FAILED (the invoice links to no ledger proof)").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            var verifier = ChainVerifierFor(p, http, endpoint, context, p.GetValue(invRpc)!, invAuthority, invLedger);
            var (e, anchor, problems) = await verifier.VerifyEntryAsync(proofPath, ct).ConfigureAwait(false);
            var all = problems.ToList();
            if (e is not null && (e.Metadata.GetValueOrDefault("invoiceId") != idText
                || e.Metadata.GetValueOrDefault("total") != invoice?["totalMinor"]?.ToJsonString()))
            {
                all.Add($"entry {e.EntryId} books invoice {e.Metadata.GetValueOrDefault("invoiceId")} total {e.Metadata.GetValueOrDefault("total")}, the invoice says {idText} total {invoice?["totalMinor"]?.ToJsonString()}");
            }

            return await ReportEntryAsync(context, idText, e, anchor, all).ConfigureAwait(false);
        });
        invoices.Add(list);
        invoices.Add(get);
        invoices.Add(export);
        invoices.Add(verifyInvoice);
        return invoices;
    }

    private static Command BurnsCommand(CliContext context, Globals g)
    {
        var cmd = new Command("burns",
            """
            List token burns (GET /api/v1/burns): USD paid, price, tokens, status, Solana signature.

            Examples:
              billing burns
              billing burns --invoice INV-carrier-tmo-202610
            """);
        var invoice = new Option<string?>("--invoice") { Description = "only burns for this invoice id" };
        var json = JsonOption();
        cmd.Add(invoice);
        cmd.Add(json);
        Handle(cmd, context, async (p, ct) =>
        {
            var endpoint = Endpoint(p, g, context);
            using var http = Http(context);
            string path = "/api/v1/burns" + (p.GetValue(invoice) is { } i ? "?invoiceId=" + Uri.EscapeDataString(i) : "");
            var body = await Api(http, endpoint, context).GetJsonAsync(path, endpoint.KeyOr(ApiEndpoint.DevFinanceKey), ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                await context.Out.WriteLineAsync(Json.Pretty(body)).ConfigureAwait(false);
            }
            else
            {
                Renderers.Burns(context.Console, body);
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Option<string> RpcOption() => new("--rpc") { Description = "Solana JSON-RPC URL to read the anchors from (e.g. https://api.devnet.solana.com)" };

    private static Option<string> AuthorityOption() => new("--authority") { Description = "the anchor authority's public key (base58), as published by the operator" };

    private static Option<string> LedgerNameOption() => new("--ledger") { Description = "the ledger name in the anchor memos (Billing:Ledger:Name, default the table prefix)", DefaultValueFactory = _ => "billing" };

    private static ChainVerifier ChainVerifierFor(ParseResult p, HttpClient http, ApiEndpoint endpoint, CliContext context, string rpc, Option<string> authority, Option<string> ledgerName)
    {
        string key = p.GetValue(authority) ?? throw new UsageException("--authority <public key> is required with --rpc");
        if (!Uri.TryCreate(rpc, UriKind.Absolute, out var rpcUri))
        {
            throw new UsageException($"--rpc '{rpc}' is not an absolute URL");
        }

        PublicKey authorityKey;
        try
        {
            authorityKey = new PublicKey(key);
        }
        catch (ArgumentException)
        {
            throw new UsageException($"--authority '{key}' is not a base58 public key");
        }

        var solana = new SolanaRpcClient(http, new SolanaRpcOptions { RpcUrl = rpcUri });
        return new ChainVerifier(Api(http, endpoint, context), endpoint.KeyOr(ApiEndpoint.DevFinanceKey), solana, authorityKey, p.GetValue(ledgerName) ?? "billing");
    }

    private static async Task<int> ReportEntryAsync(CliContext context, string subject, LedgerEntry? entry, OnChainAnchor? anchor, IReadOnlyList<string> problems)
    {
        if (problems.Count == 0 && entry is not null && anchor is not null)
        {
            await context.Out.WriteLineAsync($"verify {subject}: ok (entry {entry.EntryId}, sequence {entry.Sequence}, anchored in {anchor.Range} root {anchor.Content.RootHex}, transaction {anchor.Signature}, slot {anchor.Slot})").ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        await context.Out.WriteLineAsync($"verify {subject}: FAILED").ConfigureAwait(false);
        foreach (string problem in problems)
        {
            await context.Out.WriteLineAsync("  " + problem).ConfigureAwait(false);
        }

        return ExitCodes.Failed;
    }

    private static Command LedgerCommand(CliContext context, Globals g)
    {
        var ledger = new Command("ledger", "The double-entry ledger.");
        var verify = new Command("verify",
            """
            Verify the ledger. Without --rpc: ask the platform (GET /api/v1/ledger/verify). With --rpc and --authority:
            verify it yourself, trusting only the chain: read the authority's anchor memos over Solana JSON-RPC, page the
            entries from GET /api/v1/ledger/entries, recompute every hash, link and Merkle root. With --entry: check one
            entry's inclusion proof against the root anchored on chain. Exit 1 if not ok.

            Examples:
              billing ledger verify
              billing ledger verify --rpc http://127.0.0.1:8899 --authority <anchor authority public key>
              billing ledger verify --rpc https://api.devnet.solana.com --authority <key> --entry payment:evt_123
            """);
        var json = JsonOption();
        var rpcUrl = RpcOption();
        var authority = AuthorityOption();
        var ledgerName = LedgerNameOption();
        var entry = new Option<string>("--entry") { Description = "verify only this entry's inclusion proof (needs --rpc and --authority)" };
        var maxAge = new Option<int>("--max-unanchored-minutes") { Description = "entries older than this must be anchored (the platform's anchoring interval plus grace)", DefaultValueFactory = _ => 20 };
        verify.Add(json);
        verify.Add(rpcUrl);
        verify.Add(authority);
        verify.Add(ledgerName);
        verify.Add(entry);
        verify.Add(maxAge);
        Handle(verify, context, async (p, ct) =>
        {
            var endpoint = Endpoint(p, g, context);
            using var http = Http(context);
            if (p.GetValue(rpcUrl) is { } rpc)
            {
                var verifier = ChainVerifierFor(p, http, endpoint, context, rpc, authority, ledgerName);
                if (p.GetValue(entry) is { } entryId)
                {
                    var (e, anchor, entryProblems) = await verifier.VerifyEntryAsync("/api/v1/ledger/proof/" + Uri.EscapeDataString(entryId), ct).ConfigureAwait(false);
                    return await ReportEntryAsync(context, entryId, e, anchor, entryProblems).ConfigureAwait(false);
                }

                var (entries, anchors, problems) = await verifier.VerifyBookAsync(context.Time.GetUtcNow(), TimeSpan.FromMinutes(p.GetValue(maxAge)), ct).ConfigureAwait(false);
                if (problems.Count == 0)
                {
                    await context.Out.WriteLineAsync($"ledger verify (chain): ok ({entries} entries, {anchors} anchors on chain)").ConfigureAwait(false);
                    return ExitCodes.Ok;
                }

                await context.Out.WriteLineAsync($"ledger verify (chain): FAILED ({entries} entries, {anchors} anchors on chain, {problems.Count} problem(s))").ConfigureAwait(false);
                foreach (var problem in problems)
                {
                    await context.Out.WriteLineAsync("  " + problem).ConfigureAwait(false);
                }

                return ExitCodes.Failed;
            }

            var body = await Api(http, endpoint, context).GetJsonAsync("/api/v1/ledger/verify", endpoint.KeyOr(ApiEndpoint.DevFinanceKey), ct).ConfigureAwait(false);
            if (p.GetValue(json))
            {
                await context.Out.WriteLineAsync(Json.Pretty(body)).ConfigureAwait(false);
                return body?["ok"] is JsonValue v && v.TryGetValue(out bool ok) && ok ? ExitCodes.Ok : ExitCodes.Failed;
            }

            return Renderers.LedgerVerify(context.Console, body) ? ExitCodes.Ok : ExitCodes.Failed;
        });
        ledger.Add(verify);
        return ledger;
    }

    private static Command PayCommand(CliContext context, Globals g)
    {
        var cmd = new Command("pay",
            $"""
            Pay an invoice as Stripe would report it: fetch the invoice, build an invoice.paid event for its totalMinor,
            sign it with the webhook secret and POST it to /api/v1/stripe/webhook (Stripe-Signature header).
            For local and test setups; paying twice with the same amount is a replay the platform ignores.

            Examples:
              billing pay INV-carrier-tmo-202610
              billing pay INV-tenant-lab-202610 --amount-minor 5000 --webhook-secret {PaymentSimulator.LocalWebhookSecret}
            """);
        var id = new Argument<string>("invoiceId") { Description = "invoice id" };
        var amount = new Option<long?>("--amount-minor") { Description = "amount in minor units (default: the invoice's totalMinor)" };
        var secret = new Option<string>("--webhook-secret") { Description = "Stripe webhook signing secret", DefaultValueFactory = _ => PaymentSimulator.LocalWebhookSecret };
        cmd.Add(id);
        cmd.Add(amount);
        cmd.Add(secret);
        Handle(cmd, context, async (p, ct) =>
        {
            Require(p.GetValue(amount) is null or > 0, "--amount-minor must be positive");
            var endpoint = Endpoint(p, g, context);
            using var http = Http(context);
            var result = await new PaymentSimulator(Api(http, endpoint, context), context.Time).PayAsync(
                p.GetValue(id) ?? "", endpoint.KeyOr(ApiEndpoint.DevFinanceKey), p.GetValue(amount), p.GetValue(secret) ?? PaymentSimulator.LocalWebhookSecret, ct).ConfigureAwait(false);
            context.Console.WriteLine($"paid {result.InvoiceId}: {result.AmountMinor} minor units {result.Currency} (event {result.EventId}) → HTTP {result.Status}");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command DemoCommand(CliContext context, Globals g)
    {
        var cmd = new Command("demo",
            """
            The whole mission against a running platform: generate seeded usage for the previous month, send it, wait
            until it is metered, close the month, print the invoices, pay the carrier invoice through a signed Stripe
            webhook, wait for the Solana burn to finalize, print its signature, verify the ledger. Exit 0 only if all worked.

            Examples:
              billing demo
              billing demo --url http://127.0.0.1:7071 --seed 3 --sessions 500
            """);
        var seed = new Option<int>("--seed") { Description = "random seed of the sample usage", DefaultValueFactory = _ => 1 };
        var sessions = new Option<int>("--sessions") { Description = "carrier sessions", DefaultValueFactory = _ => 2000 };
        var leases = new Option<int>("--leases") { Description = "GPU leases", DefaultValueFactory = _ => 6 };
        var carrierKey = new Option<string?>("--carrier-key") { Description = "key of carrier-tmo (default on loopback: the dev key)" };
        var providerKey = new Option<string?>("--provider-key") { Description = "key of provider-nodeops (default on loopback: the dev key)" };
        var secret = new Option<string>("--webhook-secret") { Description = "Stripe webhook signing secret", DefaultValueFactory = _ => PaymentSimulator.LocalWebhookSecret };
        var burnTimeout = new Option<int>("--burn-timeout") { Description = "seconds to wait for the burn to finalize", DefaultValueFactory = _ => 120 };
        var usageTimeout = new Option<int>("--usage-timeout") { Description = "seconds to wait for metering to catch up", DefaultValueFactory = _ => 180 };
        var startupTimeout = new Option<int>("--startup-timeout") { Description = "seconds to wait for /api/health to answer", DefaultValueFactory = _ => 60 };
        foreach (var o in new Option[] { seed, sessions, leases, carrierKey, providerKey, secret, burnTimeout, usageTimeout, startupTimeout })
        {
            cmd.Add(o);
        }

        Handle(cmd, context, async (p, ct) =>
        {
            Require(p.GetValue(sessions) >= 1, "--sessions must be at least 1");
            Require(p.GetValue(burnTimeout) >= 1 && p.GetValue(usageTimeout) >= 1 && p.GetValue(startupTimeout) >= 1, "timeouts must be at least 1 second");
            var endpoint = Endpoint(p, g, context);
            var options = new DemoOptions
            {
                Seed = p.GetValue(seed),
                Sessions = p.GetValue(sessions),
                Leases = p.GetValue(leases),
                Keys = new SendKeys(p.GetValue(carrierKey) ?? Dev(endpoint, ApiEndpoint.DevCarrierKey, "--carrier-key"), p.GetValue(providerKey) ?? Dev(endpoint, ApiEndpoint.DevProviderKey, "--provider-key"), null),
                FinanceKey = endpoint.KeyOr(ApiEndpoint.DevFinanceKey),
                WebhookSecret = p.GetValue(secret) ?? PaymentSimulator.LocalWebhookSecret,
                BurnTimeout = TimeSpan.FromSeconds(p.GetValue(burnTimeout)),
                UsageTimeout = TimeSpan.FromSeconds(p.GetValue(usageTimeout)),
                StartupTimeout = TimeSpan.FromSeconds(p.GetValue(startupTimeout)),
            };
            using var http = Http(context);
            return await new DemoRunner(Api(http, endpoint, context), context, options).RunAsync(ct).ConfigureAwait(false);
        });
        return cmd;
    }

    private static string Dev(ApiEndpoint endpoint, string devKey, string option) =>
        endpoint.IsLoopback ? devKey : throw new UsageException($"{option} is required for {endpoint.Url}");

    private static Option<bool> JsonOption() => new("--json") { Description = "print the API's JSON instead of a table" };

    private static ApiEndpoint Endpoint(ParseResult p, Globals g, CliContext context) =>
        ApiEndpoint.Resolve(p.GetValue(g.Url), p.GetValue(g.Key), context.Environment);

    private static HttpClient Http(CliContext context) =>
        context.HttpHandler is { } handler
            ? new HttpClient(handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(100) }
            : new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) }) { Timeout = TimeSpan.FromSeconds(100) };

    private static ApiClient Api(HttpClient http, ApiEndpoint endpoint, CliContext context) => new(http, endpoint.Url, context.Retry);

    private static void Handle(Command command, CliContext context, Func<ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                return await body(parse, ct).ConfigureAwait(false);
            }
            catch (UsageException ex)
            {
                await context.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
                await context.Error.WriteLineAsync($"Run '{CommandPath(command)} --help' for usage and examples.").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            catch (ApiUnreachableException ex)
            {
                await context.Error.WriteLineAsync("error: " + ex.Message + " (is the platform running? see --url / BILLING_URL)").ConfigureAwait(false);
                return ExitCodes.Unreachable;
            }
            catch (ApiException ex) when (ex.IsAuthFailure)
            {
                await context.Error.WriteLineAsync("error: the API refused the key: " + ex.Problem.Describe()).ConfigureAwait(false);
                return ExitCodes.Unreachable;
            }
            catch (ApiException ex)
            {
                await context.Error.WriteLineAsync("error: " + ex.Problem.Describe()).ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            catch (OperationFailedException ex)
            {
                await context.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            catch (IOException ex)
            {
                await context.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await context.Error.WriteLineAsync("cancelled").ConfigureAwait(false);
                return ExitCodes.Failed;
            }
        });

    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c; s = s.Parents.FirstOrDefault())
        {
            names.Add(c is RootCommand ? "billing" : c.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new UsageException(message);
        }
    }

    private static DateTimeOffset ParseInstant(string text, string option) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : throw new UsageException($"{option} '{text}' is not a date-time (e.g. 2026-11-03T12:00:00Z)");

    private static DateOnly ParseMonth(string text, string what) =>
        DateOnly.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new UsageException($"{what} '{text}' is not a month in the form yyyy-MM (e.g. 2026-10)");

    private sealed class Progress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
