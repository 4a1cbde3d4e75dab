namespace Billing.Cli.Tests;

/// <summary>Argument parsing and rendering of the read/admin commands against a loopback stub with contract-shaped JSON.</summary>
public sealed class StubCommandTests
{
    internal const string Invoice = """
        {"id":"INV-carrier-tmo-202610","payer":"carrier-tmo","plan":"carrier-standard-v1",
         "period":{"start":"2026-10-01T00:00:00Z","end":"2026-11-01T00:00:00Z"},
         "status":"finalized","currency":"USD",
         "lines":[{"meter":"offload.bytes","description":"Data offload","group":{},"quantity":12345,
                   "unit":"DC","unitPrice":"0.00001","amount":"0.12"}],
         "total":"0.12","totalMinor":12,"stripeInvoiceId":null}
        """;

    internal const string Summary = """
        {"id":"INV-carrier-tmo-202610","payer":"carrier-tmo","plan":"carrier-standard-v1","period":{"start":"2026-10-01T00:00:00Z","end":"2026-11-01T00:00:00Z"},"status":"finalized","currency":"USD","total":"0.12","totalMinor":12,"lines":1,"stripeInvoiceId":null}
        """;

    /// <summary>Runs the command against a stub answering 200 with <paramref name="body"/> on <paramref name="route"/>; requires exit 0 and exactly one request.</summary>
    internal static async Task<(string Out, StubServer.Recorded Request)> RunOkAsync(string route, string body, params string[] args)
    {
        await using var server = await StubServer.RoutesAsync(new Dictionary<string, (int, string)> { [route] = (200, body) });
        var result = await CliHarness.RunAsync([.. args, "--url", server.Url]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return (result.Out, server.Requests.Single());
    }

    internal static void AssertContainsAll(string text, params string[] expected)
    {
        foreach (string e in expected)
        {
            Assert.Contains(e, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task LedgerVerify_Ok_PrintsOkLineWithCounts()
    {
        var (output, request) = await RunOkAsync("GET /api/v1/ledger/verify", """{"ok":true,"entries":12,"anchors":3,"problems":[]}""", "ledger", "verify");

        Assert.Contains("ledger verify: ok (12 entries, 3 anchors)", output, StringComparison.Ordinal);
        Assert.Equal("dev-finance-key", request.Headers["X-Api-Key"]);
    }

    [Fact]
    public async Task LedgerVerify_NotOk_PrintsProblemsAndExits1()
    {
        await using var server = await StubServer.RoutesAsync(new Dictionary<string, (int, string)>
        {
            ["GET /api/v1/ledger/verify"] = (200, """{"ok":false,"entries":12,"anchors":3,"problems":["book payments: entry 7 hash mismatch"]}"""),
        });

        var result = await CliHarness.RunAsync("ledger", "verify", "--url", server.Url, "--key", "k");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAILED", result.Out, StringComparison.Ordinal);
        Assert.Contains("entry 7 hash mismatch", result.Out, StringComparison.Ordinal);
        Assert.Equal("k", server.Requests.Single().Headers["X-Api-Key"]);
    }

    [Fact]
    public async Task LedgerVerify_KeyFromEnvironment_IsUsed()
    {
        await using var server = await StubServer.RoutesAsync(new Dictionary<string, (int, string)> { ["GET /api/v1/ledger/verify"] = (200, """{"ok":true,"entries":0,"anchors":0,"problems":[]}""") });

        var result = await CliHarness.RunAsync(["ledger", "verify"], new Dictionary<string, string> { ["BILLING_URL"] = server.Url, ["BILLING_API_KEY"] = "env-key" });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("env-key", server.Requests.Single().Headers["X-Api-Key"]);
    }

    [Fact]
    public async Task Command_Forbidden_ExitsWithAuthFailureAndPrintsProblem()
    {
        await using var server = await StubServer.RoutesAsync(new Dictionary<string, (int, string)>
        {
            ["GET /api/v1/ledger/verify"] = (403, """{"title":"Forbidden","status":403,"detail":"only finance may verify the ledger"}"""),
        });

        var result = await CliHarness.RunAsync("ledger", "verify", "--url", server.Url, "--key", "dev-carrier-tmo-key");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("only finance may verify the ledger", result.Error, StringComparison.Ordinal);
    }

    // A problem's title, detail and errors come from the server (and may quote stored values): a terminal escape in them is
    // spelled out on standard error, never sent to the terminal.
    [Fact]
    public async Task Command_ProblemWithTerminalEscapes_PrintedSpelledOut()
    {
        await using var server = await StubServer.RoutesAsync(new Dictionary<string, (int, string)>
        {
            ["POST /api/v1/periods/2026-11/close"] = (409, """{"title":"Not \u001b[2J ended","status":409,"detail":"row \u001b]52;c;eA==\u0007 unreadable","errors":[{"field":"per\u202eiod","reason":"has \u0007not ended"}]}"""),
        });

        var result = await CliHarness.RunAsync("periods", "close", "2026-11", "--url", server.Url);

        Assert.Equal(1, result.ExitCode);
        AssertContainsAll(result.Error, "HTTP 409 Not \\u001B[2J ended: row \\u001B]52;c;eA==\\u0007 unreadable", "per\\u202Eiod: has \\u0007not ended");
        Assert.DoesNotContain('\u001B', result.Error);
        Assert.DoesNotContain('\u0007', result.Error);
        Assert.DoesNotContain('\u202E', result.Error);
    }

    // The key travels in a header: over plain http to another machine anyone on the path reads it.
    [Theory]
    [InlineData("http://billing.example.com")]
    [InlineData("http://10.0.0.5:7071")]
    public async Task Command_PlainHttpToAnotherMachine_UsageErrorWithoutSendingTheKey(string url)
    {
        var result = await CliHarness.RunAsync("ledger", "verify", "--url", url, "--key", "secret-finance-key");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("use https", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("periods close")]
    [InlineData("invoices get X --format xml")]
    [InlineData("invoices export")]
    [InlineData("usage --window week")]
    [InlineData("quarantine list --kind nope")]
    [InlineData("quarantine list --replayed --not-replayed")]
    [InlineData("quarantine show")]
    public async Task Command_MissingOrBadArgument_ExitsWithUsageError(string commandLine)
    {
        var result = await CliHarness.RunAsync(commandLine.Split(' '));
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task Help_EveryCommand_ShowsExamplesAndExits0()
    {
        foreach (string[] args in new[] { new[] { "--help" }, ["generate", "--help"], ["send", "--help"], ["usage", "-h"], ["periods", "close", "--help"], ["invoices", "get", "--help"], ["invoices", "export", "--help"], ["invoices", "list", "--help"], ["burns", "--help"], ["burns", "release", "--help"], ["ledger", "verify", "--help"], ["quarantine", "list", "--help"], ["quarantine", "show", "--help"], ["partners", "verify", "--help"], ["pay", "--help"], ["demo", "--help"] })
        {
            var result = await CliHarness.RunAsync(args);
            Assert.True(result.ExitCode == 0, string.Join(' ', args) + ": " + result);
            Assert.Contains("Examples:", result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task InvoicesList_PassesFiltersAndRendersTable()
    {
        var (output, request) = await RunOkAsync("GET /api/v1/invoices", $$"""{"invoices":[{{Summary}}]}""", "invoices", "list", "--period", "2026-10", "--payer", "carrier-tmo");

        Assert.Equal("/api/v1/invoices?period=2026-10&payer=carrier-tmo", request.PathAndQuery);
        AssertContainsAll(output, "carrier-standard-v1", "2026-10");
    }

    [Fact]
    public async Task InvoicesGet_Table_ShowsHeaderAndLines()
    {
        var (output, _) = await RunOkAsync("GET /api/v1/invoices/INV-carrier-tmo-202610", Invoice, "invoices", "get", "INV-carrier-tmo-202610");

        AssertContainsAll(output, "invoice:", "INV-carrier-tmo-202610", "payer:", "carrier-standard-v1", "finalized", "0.12 USD", "offload.bytes", "Data offload", "12,345", "DC", "0.00001", "unit price");
    }

    [Fact]
    public async Task InvoicesGet_Csv_AsksForCsvAndPrintsItVerbatim()
    {
        const string Csv = "invoice_id,payer,period_start,period_end,line,meter,group,quantity,unit,unit_price,amount,currency\nINV-carrier-tmo-202610,carrier-tmo,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,1,offload.bytes,,12345,DC,0.00001,0.12,USD\n";
        await using var server = await StubServer.StartAsync((_, _) => (200, "text/csv", Csv));

        var result = await CliHarness.RunAsync("invoices", "get", "INV-carrier-tmo-202610", "--format", "csv", "--url", server.Url);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Csv, result.Out);
        Assert.Contains("text/csv", server.Requests.Single().Headers["Accept"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvoicesGet_NotFound_Exits1WithProblem()
    {
        await using var server = await StubServer.RoutesAsync(new Dictionary<string, (int, string)>());

        var result = await CliHarness.RunAsync("invoices", "get", "INV-nope", "--url", server.Url);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("HTTP 404", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvoicesExport_Csv_WritesFileFromFormatCsvQuery()
    {
        var export = await ExportCsvToFileAsync("invoice_id,payer\nINV-a,a\n");

        Assert.True(export.Result.ExitCode == 0, export.Result.ToString());
        Assert.Equal("/api/v1/invoices?period=2026-10&format=csv", export.Request);
        Assert.Equal("invoice_id,payer\nINV-a,a\n", export.Text);
    }

    // Excel reads a CSV file without a byte order mark in the machine's code page: a payer id beyond ASCII read as mojibake.
    [Fact]
    public async Task InvoicesExport_CsvToFile_StartsWithAUtf8ByteOrderMark()
    {
        var export = await ExportCsvToFileAsync("invoice_id,payer\r\nINV-a,carrier-zürich\r\n");

        Assert.True(export.Result.ExitCode == 0, export.Result.ToString());
        Assert.Equal([0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes("invoice_id,payer\r\nINV-a,carrier-zürich\r\n")], export.Bytes);
    }

    [Fact]
    public async Task InvoicesExport_Json_FetchesEveryInvoiceInFull()
    {
        await using var server = await StubServer.RoutesAsync(new Dictionary<string, (int, string)>
        {
            ["GET /api/v1/invoices"] = (200, $$"""{"invoices":[{{Summary}}]}"""),
            ["GET /api/v1/invoices/INV-carrier-tmo-202610"] = (200, Invoice),
        });

        var result = await CliHarness.RunAsync("invoices", "export", "--period", "2026-10", "--format", "json", "--url", server.Url);

        Assert.True(result.ExitCode == 0, result.ToString());
        var array = JsonNode.Parse(result.Out)!.AsArray();
        Assert.Equal("Data offload", (string?)array[0]!["lines"]![0]!["description"]);
    }

    [Fact]
    public async Task Burns_FilterByInvoice_RendersTokensWithDecimals()
    {
        var (output, request) = await RunOkAsync(
            "GET /api/v1/burns",
            """[{"id":"burn-1","invoiceId":"INV-carrier-tmo-202610","usdMinor":12345,"price":"2.50","tokenAmount":"4938000000","decimals":8,"status":"finalized","signature":"5sigXYZ","slot":42,"currency":"USD"}]""",
            "burns", "--invoice", "INV-carrier-tmo-202610");

        Assert.Equal("/api/v1/burns?invoiceId=INV-carrier-tmo-202610", request.PathAndQuery);
        AssertContainsAll(output, "burn-1", "123.45", "49.38000000", "finalized", "5sigXYZ", "42");
    }

    [Fact]
    public async Task BurnsRelease_AmountAndNote_PostsThemAsFinanceAndRendersTheBurn()
    {
        var (output, request) = await RunOkAsync(
            "POST /api/v1/burns/burn-INV-carrier-tmo-202610/release",
            """{"id":"burn-INV-carrier-tmo-202610","invoiceId":"INV-carrier-tmo-202610","usdMinor":7000,"price":null,"tokenAmount":"0","decimals":8,"status":"pending","signature":null,"slot":null,"currency":"USD","releasedBy":"finance","releaseNote":"30.00 refunded"}""",
            "burns", "release", "burn-INV-carrier-tmo-202610", "--amount-minor", "7000", "--note", "30.00 refunded");

        Assert.Equal(("POST", "dev-finance-key"), (request.Method, request.Headers["X-Api-Key"]));
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal((7000L, "30.00 refunded"), (body["amountMinor"]!.GetValue<long>(), body["note"]!.GetValue<string>()));
        AssertContainsAll(output, "burn-INV-carrier-tmo-202610", "70.00", "pending");
    }

    [Fact]
    public async Task InvoicesList_AnswerWithUnreadableInvoices_ListsTheRestAndWarnsNamingThem()
    {
        await using var server = await StubServer.RoutesAsync(new Dictionary<string, (int, string)>
        {
            ["GET /api/v1/invoices"] = (200, $$"""{"invoices":[{{Summary}}],"unreadable":[{"id":"INV-carrier-tmo-202609","reason":"property 'TotalMinor': Edm.String found, Edm.Int64 expected"}]}"""),
        });

        var result = await CliHarness.RunAsync("invoices", "list", "--url", server.Url);

        Assert.True(result.ExitCode == 0, result.ToString());
        AssertContainsAll(result.Out, "INV-carrier-tmo-202610");
        AssertContainsAll(result.Error, "1 invoice(s) cannot be read", "INV-carrier-tmo-202609", "property 'TotalMinor'");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PartnersList_AnswerWithUnreadablePartner_ListsTheRestAndWarnsNamingIt(bool json)
    {
        await using var server = await StubServer.RoutesAsync(new Dictionary<string, (int, string)>
        {
            ["GET /api/v1/partners"] = (200, """
                {"partners":[{"id":"carrier-tmo","role":"carrier","plan":"carrier-standard-v1","pendingPlan":null,"pendingPlanFrom":null,"displayName":null,
                "billingEmail":null,"stripeCustomerId":null,"status":"active","createdAt":null,"keys":[]}],
                "unreadable":[{"id":"carrier-odd","reason":"partner row (partition 'p', row 'carrier-odd'), property 'Role': 'overlord' is no PartnerRole"}]}
                """),
        });

        var result = await CliHarness.RunAsync(["partners", "list", .. json ? new[] { "--json" } : [], "--url", server.Url]);

        Assert.True(result.ExitCode == 0, result.ToString());
        AssertContainsAll(result.Out, "carrier-tmo");
        if (!json)
        {
            Assert.DoesNotContain("carrier-odd", result.Out, StringComparison.Ordinal);
        }

        AssertContainsAll(result.Error, "1 partner(s) cannot be read", "carrier-odd", "property 'Role'");
    }

    [Fact]
    public async Task Burns_AnswerNamesUnreadableBurns_ListsTheRestAndWarnsNamingThem()
    {
        const string Body = """[{"id":"burn-1","invoiceId":"INV-carrier-tmo-202610","usdMinor":12345,"price":"2.50","tokenAmount":"4938000000","decimals":8,"status":"finalized","signature":"5sigXYZ","slot":42,"currency":"USD"}]""";
        await using var server = await StubServer.StartAsync(
            (_, _) => (200, "application/json", Body),
            new Dictionary<string, string> { [Billing.Contracts.Burns.BurnListHeaders.Unreadable] = "burn-INV-a-202610,burn-odd%2Cid" });

        var result = await CliHarness.RunAsync("burns", "--url", server.Url);

        Assert.True(result.ExitCode == 0, result.ToString());
        AssertContainsAll(result.Out, "burn-1", "finalized");
        AssertContainsAll(result.Error, "2 burn(s) cannot be read", "burn-INV-a-202610; burn-odd,id", "/api/v1/ledger/reconcile"); // ids may hold commas
    }

    [Fact]
    public async Task Usage_Options_BecomeQueryAndTableHasTotal()
    {
        var (output, request) = await RunOkAsync(
            "GET /api/v1/usage",
            """{"payer":"carrier-tmo","meter":"offload.bytes","from":"2026-10-01T00:00:00Z","to":"2026-11-01T00:00:00Z","window":"day","rows":[{"windowStart":"2026-10-02T00:00:00Z","group":{"rat":"wlan"},"quantity":1000},{"windowStart":"2026-10-02T00:00:00Z","group":{"rat":"nr"},"quantity":234}]}""",
            "usage", "--payer", "carrier-tmo", "--meter", "offload.bytes", "--from", "2026-10-01", "--to", "2026-11-01", "--window", "day", "--group-by", "rat,hotspot");

        Assert.Equal("/api/v1/usage?payer=carrier-tmo&meter=offload.bytes&from=2026-10-01&to=2026-11-01&window=day&groupBy=rat%2Chotspot", request.PathAndQuery);
        AssertContainsAll(output, "1,234", "wlan");
    }

    [Fact]
    public async Task LedgerVerifyChain_PageListsAnUnreadableRowAndNoHead_ReportsBothAndChecksTheOtherEntries()
    {
        var now = DateTimeOffset.UtcNow;
        var entries = new List<Billing.Domain.Ledger.LedgerEntry>();
        string previous = Billing.Domain.Ledger.LedgerEntry.GenesisHash;
        for (int i = 1; i <= 3; i++)
        {
            var draft = Billing.Domain.Ledger.LedgerEntries.PaymentReceived($"evt_{i}", "INV-carrier-tmo-202610", "carrier-tmo", 100 * i, "USD", now)!;
            entries.Add(Billing.Domain.Ledger.LedgerEntry.Seal("main", i, previous, draft));
            previous = entries[^1].Hash;
        }

        JsonNode Readable(Billing.Domain.Ledger.LedgerEntry e)
        {
            var node = Billing.Domain.Ledger.LedgerEntryJson.ToJson(e);
            node["recordedAt"] = now.ToString("O", CultureInfo.InvariantCulture);
            return node;
        }

        var page = new JsonObject
        {
            ["book"] = "main",
            ["head"] = null,
            ["entries"] = new JsonArray(Readable(entries[0]), Readable(entries[2])),
            ["next"] = null,
            ["unreadable"] = new JsonArray(
                new JsonObject { ["row"] = "0000000000000000002", ["sequence"] = 2, ["entryId"] = entries[1].EntryId, ["hash"] = entries[1].Hash, ["detail"] = "Ledger row (table 'ledger', partition 'main', row '0000000000000000002'), property 'Postings': Edm.Int32 found, Edm.String expected", ["recordedAt"] = now.ToString("O", CultureInfo.InvariantCulture) },
                new JsonObject { ["row"] = "head", ["detail"] = "Ledger row (table 'ledger', partition 'main', row 'head'), property 'LastHash': Edm.Int64 found, Edm.String expected" }),
        };
        await using var server = await StubServer.StartAsync((r, _) => r.Method == "POST"
            ? (200, "application/json", """{"jsonrpc":"2.0","id":1,"result":[]}""") // the authority has signed no anchor memo yet
            : (200, "application/json", page.ToJsonString()));

        var result = await CliHarness.RunAsync("ledger", "verify", "--url", server.Url, "--rpc", server.Url, "--authority", "11111111111111111111111111111111", "--ledger", "billing");

        Assert.Equal(1, result.ExitCode);
        AssertContainsAll(result.Out, "FAILED (3 entries, 0 anchors on chain, 2 problem(s))", "EntryUnreadable", "property 'Postings'", "HeadUnreadable", "property 'LastHash'");
        Assert.DoesNotContain("SequenceGap", result.Out, StringComparison.Ordinal); // before: the row was skipped and read as a gap
    }

    /// <summary>
    /// <c>invoices export --out</c> of October 2026 against an API answering <paramref name="csv"/>: the CLI's result, the
    /// requests it made (their paths, space-separated), and the file it wrote, as text (a byte order mark read as such) and as bytes.
    /// </summary>
    private static async Task<(CliHarness.Result Result, string Request, string Text, byte[] Bytes)> ExportCsvToFileAsync(string csv)
    {
        string path = Path.Combine(Path.GetTempPath(), $"billing-export-{Guid.NewGuid():N}.csv");
        await using var server = await StubServer.StartAsync((_, _) => (200, "text/csv", csv));
        try
        {
            var result = await CliHarness.RunAsync("invoices", "export", "--period", "2026-10", "--out", path, "--url", server.Url);
            string request = string.Join(" ", server.Requests.Select(r => r.PathAndQuery));
            return File.Exists(path) ? (result, request, await File.ReadAllTextAsync(path), await File.ReadAllBytesAsync(path)) : (result, request, "", []);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
