using System.Text;

namespace Billing.WebConsole.Tests;

/// <summary>
/// The console's Ledger page (<c>pages/ledger.js</c>) in headless Chromium: finance sees the reconcile report the other
/// pages' warnings refer to, exactly as the API gives it, with what waits for a close listed apart; a payer does not.
/// </summary>
[Collection(ConsoleCollection.Name)]
public class LedgerConsoleTests(ConsoleFixture fixture)
{
    private const string PlantedBurn = "burn-planted-ledger";

    private static async Task<(string Kind, string Subject)[]> ShownAsync(IPage page, string table) =>
        (await page.Locator(table + " tbody tr[data-kind]").EvaluateAllAsync<string[][]>("rows => rows.map(r => [r.dataset.kind, r.cells[1].textContent])"))
            .Select(r => (r[0], r[1])).ToArray();

    private static (string Kind, string Subject)[] Findings(JsonNode report, string list) =>
        report[list]!.AsArray().Select(f => (f!["kind"]!.GetValue<string>(), f["subject"]!.GetValue<string>())).ToArray();

    [Fact]
    public async Task Ledger_MismatchAndLateUsage_FinanceSeesTheReconcileReportAsTheApiGivesIt()
    {
        // An unreadable burn row (a mismatch) and the closed month of carrier-tmo marked as metered late (pending).
        var burns = PlantedRows.Table(fixture, "burns");
        var real = burns.Query<TableEntity>().First(e => e.GetString("InvoiceId") == fixture.CarrierInvoice);
        await using var burn = await PlantedRows.PlantAsync(burns, new TableEntity(real) { RowKey = PlantedBurn, ["Status"] = 7 });
        var late = DateTimeOffset.UtcNow.AddMinutes(-5);
        await using var mark = await PlantedRows.PlantAsync(PlantedRows.Table(fixture, "facts"), new TableEntity("late", $"{fixture.Period.Replace("-", "", StringComparison.Ordinal)}|carrier-tmo")
        {
            ["Payer"] = "carrier-tmo", ["Month"] = fixture.Period, ["MeteredAt"] = late, ["FirstMeteredAt"] = late,
        });
        var (status, body, _) = await fixture.GetAsync("api/v1/ledger/reconcile", PlatformFixture.FinanceKey);
        var report = JsonNode.Parse(body)!;
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(("BurnUnreadable", PlantedBurn), Findings(report, "mismatches"));
        Assert.Contains(("LateUsagePending", $"carrier-tmo {fixture.Period}"), Findings(report, "pending"));

        var page = await ConsolePage.OpenSignedInAsync(fixture, PlatformFixture.FinanceKey, "#/ledger", "ledger");

        Assert.Equal("false", await page.GetAttributeAsync("#reconcile-status", "data-ok"));
        Assert.Equal(Findings(report, "mismatches"), await ShownAsync(page, "#reconcile-mismatches"));
        Assert.Equal(Findings(report, "pending"), await ShownAsync(page, "#reconcile-pending"));
        string detail = report["pending"]!.AsArray().Single(f => f!["subject"]!.GetValue<string>() == $"carrier-tmo {fixture.Period}")!["detail"]!.GetValue<string>();
        Assert.Equal(detail, await page.Locator("#reconcile-pending tr[data-kind='LateUsagePending'] td").Nth(2).TextContentAsync());
        await ConsolePage.ScreenshotAsync(page, "ledger-reconcile");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Ledger_AcknowledgedFinding_ListedApartWithTheNoteNotAsAMismatch()
    {
        // A real signed payment of an invoice this deployment never made (PaymentForUnknownInvoice), acknowledged by finance.
        string eventId = "evt_console_ack_" + Guid.NewGuid().ToString("N")[..8];
        await fixture.PostStripeEventAsync(StripeTestEvents.InvoicePaid(eventId, "in_console_ack", "INV-carrier-consoleack-201701", 1_234, "usd", "cus_console_ack", DateTimeOffset.UtcNow));

        var (_, report, _) = await fixture.GetAsync("api/v1/ledger/reconcile", PlatformFixture.FinanceKey);
        string digest = JsonNode.Parse(report)!["mismatches"]!.AsArray().Single(f => f!["subject"]!.GetValue<string>() == eventId)!["detailSha256"]!.GetValue<string>();
        string request = new JsonObject { ["kind"] = "PaymentForUnknownInvoice", ["subject"] = eventId, ["detailSha256"] = digest, ["note"] = "paid twice; refunded in Stripe" }.ToJsonString();
        using (var acknowledge = await fixture.Platform.Client.SendAsync(fixture.Platform.Request(HttpMethod.Post, "api/v1/ledger/reconcile/acknowledgements", PlatformFixture.FinanceKey, new StringContent(request, Encoding.UTF8, "application/json"))))
        {
            Assert.Equal(HttpStatusCode.OK, acknowledge.StatusCode);
        }

        var page = await ConsolePage.OpenSignedInAsync(fixture, PlatformFixture.FinanceKey, "#/ledger", "ledger");

        Assert.Contains(("PaymentForUnknownInvoice", eventId), await ShownAsync(page, "#reconcile-acknowledged"));
        Assert.DoesNotContain(eventId, await page.Locator("#reconcile").TextContentAsync() ?? "", StringComparison.Ordinal); // the stats, not the mismatches
        string shown = await page.Locator("#reconcile-acknowledged tr", new() { HasText = eventId }).Locator("td").Nth(3).TextContentAsync() ?? "";
        Assert.StartsWith("paid twice; refunded in Stripe (finance, ", shown, StringComparison.Ordinal);
        if (await page.Locator("#reconcile-mismatches").CountAsync() > 0)
        {
            Assert.DoesNotContain(("PaymentForUnknownInvoice", eventId), await ShownAsync(page, "#reconcile-mismatches"));
        }

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Ledger_Payer_SeesTheProofCheckWithoutTheReconcileReport()
    {
        var page = await ConsolePage.OpenSignedInAsync(fixture, PlatformFixture.CarrierKey, "#/ledger", "ledger");

        Assert.Equal(1, await page.Locator("#proof-form").CountAsync());
        Assert.Equal(0, await page.Locator("#reconcile").CountAsync());
        Assert.Equal(0, await page.Locator("#verify").CountAsync());
        await page.Context.CloseAsync();
    }
}
