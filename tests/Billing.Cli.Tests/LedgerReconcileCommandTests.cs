namespace Billing.Cli.Tests;

/// <summary><c>billing ledger reconcile</c> against a loopback stub with contract-shaped JSON.</summary>
public sealed class LedgerReconcileCommandTests
{
    private const string Pending = """
        {"kind":"LateUsagePending","subject":"carrier-tmo 2026-07","detail":"usage of 2026-07 metered after the closes that correct it routinely (first metered late at 2026-10-02 08:30:00Z, last at 2026-10-04 11:00:00Z); the next close of a later month not yet closed for carrier-tmo bills it as an adjustment"}
        """;

    [Fact]
    public async Task LedgerReconcile_OnlyPendingLateUsage_PrintsOkAndThePendingMonthsAndExits0()
    {
        var (output, request) = await StubCommandTests.RunOkAsync(
            "GET /api/v1/ledger/reconcile", $$"""{"ok":true,"invoices":3,"payments":2,"burns":1,"entries":6,"mismatches":[],"pending":[{{Pending}}]}""", "ledger", "reconcile");

        StubCommandTests.AssertContainsAll(output,
            "ledger reconcile: ok (3 invoices, 2 payments, 1 burns, 6 entries)",
            "pending (1), billed by the next close:",
            "LateUsagePending carrier-tmo 2026-07: usage of 2026-07",
            "first metered late at 2026-10-02 08:30:00Z, last at 2026-10-04 11:00:00Z");
        Assert.Equal("dev-finance-key", request.Headers["X-Api-Key"]);
    }

    [Fact]
    public async Task LedgerReconcile_Mismatches_PrintsEachAndExits1()
    {
        await using var server = await StubServer.RoutesAsync(new Dictionary<string, (int, string)>
        {
            ["GET /api/v1/ledger/reconcile"] = (200, $$"""
                {"ok":false,"invoices":3,"payments":2,"burns":1,"entries":6,"pending":[{{Pending}}],"mismatches":[
                  {"kind":"LateUsageWithoutPayer","subject":"carrier-gone 2026-07","detail":"usage of 2026-07 …; no close bills it: no partner carrier-gone is registered","detailSha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
                  {"kind":"LateUsageMarkUnreadable","subject":"202608|carrier-tmo","detail":"facts table: late usage row (partition 'late', row '202608|carrier-tmo'), property 'MeteredAt': …"},
                  {"kind":"PaymentUnapplied","subject":"evt_1","detail":"5.00 USD unapplied","detailSha256":"2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae","acknowledgeable":true},
                  {"kind":"InvoiceNotBooked","subject":"INV-1","detail":"no ledger entry","detailSha256":"fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9","acknowledgeable":false}]}
                """),
        });

        var result = await CliHarness.RunAsync("ledger", "reconcile", "--url", server.Url, "--key", "k");

        Assert.Equal(1, result.ExitCode);
        StubCommandTests.AssertContainsAll(result.Out,
            "ledger reconcile: FAILED (3 invoices, 2 payments, 1 burns, 6 entries, 4 mismatch(es))",
            "LateUsageWithoutPayer carrier-gone 2026-07: usage of 2026-07 …; no close bills it: no partner carrier-gone is registered [detail 9f86d081884c]",
            "LateUsageMarkUnreadable 202608|carrier-tmo: facts table: late usage row",
            "PaymentUnapplied evt_1: 5.00 USD unapplied [detail 2c26b46b68ff, can be acknowledged]",
            "InvoiceNotBooked INV-1: no ledger entry\n", // not settled outside by design: no digest offered to acknowledge it
            "LateUsagePending carrier-tmo 2026-07");
    }

    [Fact]
    public async Task LedgerReconcile_AnswerWithoutPending_PrintsOk()
    {
        var (output, _) = await StubCommandTests.RunOkAsync(
            "GET /api/v1/ledger/reconcile", """{"ok":true,"invoices":0,"payments":0,"burns":0,"entries":0,"mismatches":[]}""", "ledger", "reconcile");

        Assert.Contains("ledger reconcile: ok (0 invoices, 0 payments, 0 burns, 0 entries)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("pending", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, 0)] // only pending: the books are right
    [InlineData(true, 1)]
    public async Task LedgerReconcile_Json_PrintsTheAnswerAndExits1OnlyOnAMismatch(bool mismatch, int exitCode)
    {
        string mismatches = mismatch ? """[{"kind":"LateUsageCloseFailed","subject":"carrier-tmo 2026-07","detail":"…"}]""" : "[]";
        await using var server = await StubServer.RoutesAsync(new Dictionary<string, (int, string)>
        {
            ["GET /api/v1/ledger/reconcile"] = (200, $$"""{"ok":{{(mismatch ? "false" : "true")}},"invoices":3,"payments":2,"burns":1,"entries":6,"mismatches":{{mismatches}},"pending":[{{Pending}}]}"""),
        });

        var result = await CliHarness.RunAsync("ledger", "reconcile", "--json", "--url", server.Url, "--key", "k");

        Assert.True(result.ExitCode == exitCode, result.ToString());
        var body = JsonNode.Parse(result.Out)!;
        Assert.Equal(!mismatch, body["ok"]!.GetValue<bool>());
        Assert.Equal("LateUsagePending", body["pending"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal(mismatch ? 1 : 0, body["mismatches"]!.AsArray().Count);
    }
    private const string Acknowledged = """
        {"kind":"CreditNoteAfterBurn","subject":"cn_1","detail":"INV-carrier-tmo-202610: 5.00 USD credited after burn burn-INV-carrier-tmo-202610 (sig5)","note":"refunded by bank transfer, FIN-42","acknowledgedBy":"finance","acknowledgedAt":"2026-12-04T10:00:00+00:00","entryId":"reconcile-ack:ab12"}
        """;

    [Fact]
    public async Task LedgerReconcile_AcknowledgedFindings_PrintsThemApartWithWhoAndWhyAndExits0()
    {
        var (output, _) = await StubCommandTests.RunOkAsync(
            "GET /api/v1/ledger/reconcile", $$"""{"ok":true,"invoices":3,"payments":2,"burns":1,"entries":7,"mismatches":[],"pending":[],"acknowledged":[{{Acknowledged}}]}""", "ledger", "reconcile");

        StubCommandTests.AssertContainsAll(output,
            "ledger reconcile: ok (3 invoices, 2 payments, 1 burns, 7 entries)",
            "acknowledged (1), settled outside the platform:",
            "CreditNoteAfterBurn cn_1: INV-carrier-tmo-202610: 5.00 USD credited after burn",
            "by finance at 2026-12-04 10:00:00Z: refunded by bank transfer, FIN-42 (reconcile-ack:ab12)");
    }

    [Fact]
    public async Task LedgerAcknowledge_KindSubjectNote_PostsThemAsFinanceAndPrintsTheAcknowledgement()
    {
        var (output, request) = await StubCommandTests.RunOkAsync(
            "POST /api/v1/ledger/reconcile/acknowledgements", $$"""{"acknowledged":[{{Acknowledged}}],"replay":false}""",
            "ledger", "acknowledge", "CreditNoteAfterBurn", "cn_1", "--detail", "9f86d081884c", "--note", "refunded by bank transfer, FIN-42");

        Assert.Equal(("POST", "dev-finance-key"), (request.Method, request.Headers["X-Api-Key"]));
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal(("CreditNoteAfterBurn", "cn_1", "9f86d081884c", "refunded by bank transfer, FIN-42"),
            (body["kind"]!.GetValue<string>(), body["subject"]!.GetValue<string>(), body["detailSha256"]!.GetValue<string>(), body["note"]!.GetValue<string>()));
        StubCommandTests.AssertContainsAll(output, "acknowledged (1):", "CreditNoteAfterBurn cn_1", "by finance at 2026-12-04 10:00:00Z");
    }
}
