namespace Billing.Cli.Tests.Commands;

/// <summary>
/// Text the platform read from stored rows reaches the terminal with its control characters spelled out: a row changed
/// outside the platform can hold escape sequences, and printed raw they would rewrite the operator's screen or title.
/// </summary>
public sealed class StoredTextOutputTests
{
    private const char Escape = '\u001b';

    private static async Task<CliHarness.Result> RunAsync(string route, string body, params string[] args)
    {
        await using var server = await StubServer.RoutesAsync(new Dictionary<string, (int, string)> { [route] = (200, body) });
        return await CliHarness.RunAsync([.. args, "--url", server.Url]);
    }

    [Fact]
    public async Task PartnersVerify_ProblemHoldingEscapeSequences_PrintedWithoutThem()
    {
        var result = await RunAsync("GET /api/v1/audit/verify", """
            {"ok":false,"partners":[{"partner":"carrier-acme","ok":false,"entries":4,"head":"ab",
             "problems":["StateMismatch partner row: the row has plan '\u001b[2J\u001b]0;ok\u0007', the audit trail gives 'carrier-standard-v1'"],
             "details":[]}]}
            """, "partners", "verify");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("StateMismatch partner row: the row has plan '", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(Escape, result.Out);
    }

    [Fact]
    public async Task PartnersList_UnreadableRowReasonHoldingEscapeSequences_WarnsWithoutThem()
    {
        var result = await RunAsync("GET /api/v1/partners", """
            {"partners":[],"unreadable":[{"id":"carrier-odd","reason":"property 'Role': '\u001b[31moverlord\u001b[0m' is no PartnerRole"}]}
            """, "partners", "list");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("1 partner(s) cannot be read", result.Error, StringComparison.Ordinal);
        Assert.Contains("overlord", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Escape, result.Error);
    }

    // The CSV is printed as lines of its own: its CRLF line ends stay, an escape sequence in a cell is spelled out.
    [Fact]
    public async Task InvoicesGet_CsvHoldingEscapeSequences_PrintedSpelledOutWithItsLineEnds()
    {
        const string Csv = "invoice_id,payer\r\nINV-a,\"\u001B]0;pwned\u0007\"\r\n";
        await using var server = await StubServer.StartAsync((_, _) => (200, "text/csv", Csv));

        var result = await CliHarness.RunAsync("invoices", "get", "INV-a", "--format", "csv", "--url", server.Url);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("invoice_id,payer\r\nINV-a,\"\\u001B]0;pwned\\u0007\"\r\n", result.Out);
    }

    [Fact]
    public async Task QuarantineShow_KindAndOutcomesHoldingLineFeedsAndEscapes_PrintedOnTheirLinesSpelledOut()
    {
        var result = await RunAsync("GET /api/v1/quarantine/q1", """
            {"event":{"id":"q1","kind":"invalid\u001b[2J\nreplay record: metered","source":"carrier-tmo","eventId":"sess-9","reasons":[],"hub":"h",
             "replay":{"outcome":"metered\nok","at":"2026-10-21T09:00:00Z","by":"finance"},"replays":[{"outcome":"invalid\u001b[31m","at":"2026-10-21T08:00:00Z","by":"f"}]},"raw":"{\n}","existingRaw":null}
            """, "quarantine", "show", "q1");

        Assert.True(result.ExitCode == 0, result.ToString());
        StubCommandTests.AssertContainsAll(result.Out, "invalid\\u001B[2J\\u000Areplay record: metered event sess-9", "replay record: metered\\u000Aok,", ": invalid\\u001B[31m");
        Assert.Contains("{\n}", result.Out, StringComparison.Ordinal); // the payload keeps its lines
        Assert.Single(result.Out.Split('\n'), l => l.StartsWith("replay record:", StringComparison.Ordinal));
        Assert.DoesNotContain(Escape, result.Out);
    }
}
