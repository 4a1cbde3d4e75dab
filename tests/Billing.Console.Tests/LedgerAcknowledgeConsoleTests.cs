namespace Billing.WebConsole.Tests;

/// <summary>
/// Finance acknowledges a reconcile finding from the console's Ledger page (<c>pages/ledger.js</c>) in headless Chromium:
/// findings made by real signed Stripe webhooks, the form shows what is acknowledged and posts only on Confirm, naming the
/// detail as reconcile gave it to the page (POST /api/v1/ledger/reconcile/acknowledgements).
/// </summary>
[Collection(ConsoleCollection.Name)]
public class LedgerAcknowledgeConsoleTests(ConsoleFixture fixture)
{
    private const string AcknowledgePath = "/api/v1/ledger/reconcile/acknowledgements";

    /// <summary>A payment of an invoice this deployment never made (<c>PaymentForUnknownInvoice</c>, subject: the event id).</summary>
    private async Task<string> UnappliedPaymentAsync()
    {
        string suffix = Guid.NewGuid().ToString("N")[..8];
        string eventId = "evt_console_ackform_" + suffix;
        await fixture.PostStripeEventAsync(StripeTestEvents.InvoicePaid(eventId, "in_ackform_" + suffix, $"INV-carrier-ackform{suffix}-201701", 1_234, "usd", "cus_ackform" + suffix, DateTimeOffset.UtcNow));
        return eventId;
    }

    /// <summary>Reconcile's findings about <paramref name="subject"/>: the open ones and the acknowledged ones.</summary>
    private async Task<(JsonNode[] Open, JsonNode[] Acknowledged)> FindingsAsync(string subject)
    {
        var (_, body, _) = await fixture.GetAsync("api/v1/ledger/reconcile", PlatformFixture.FinanceKey);
        var report = JsonNode.Parse(body)!;
        JsonNode[] About(string list) => [.. report[list]!.AsArray().OfType<JsonNode>().Where(f => f["subject"]!.GetValue<string>() == subject)];
        return (About("mismatches"), About("acknowledged"));
    }

    /// <summary>The book's last 100 entries of kind <c>ReconcileAcknowledged</c> about <paramref name="subject"/>.</summary>
    private async Task<JsonNode[]> AcknowledgementEntriesAsync(string subject)
    {
        var (_, head, _) = await fixture.GetAsync("api/v1/ledger/entries?limit=1", PlatformFixture.FinanceKey);
        long last = JsonNode.Parse(head)!["head"]!["sequence"]!.GetValue<long>();
        var (_, page, _) = await fixture.GetAsync($"api/v1/ledger/entries?from={Math.Max(1, last - 99)}&limit=100", PlatformFixture.FinanceKey);
        return [.. JsonNode.Parse(page)!["entries"]!.AsArray().OfType<JsonNode>()
            .Where(e => e["kind"]!.GetValue<string>() == "ReconcileAcknowledged" && e["metadata"]!["finding.subject"]?.GetValue<string>() == subject)];
    }

    /// <summary>The Ledger page signed in as finance, counting the acknowledgements it posts.</summary>
    private async Task<(IPage Page, Func<IReadOnlyList<string>> Posted)> OpenLedgerAsync()
    {
        var page = await fixture.NewPageAsync();
        var posted = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && new Uri(request.Url).AbsolutePath.EndsWith(AcknowledgePath, StringComparison.Ordinal))
            {
                lock (posted)
                {
                    posted.Add(request.PostData ?? "");
                }
            }
        };
        await ConsolePage.SignInAsync(page, PlatformFixture.FinanceKey);
        await ConsolePage.OpenAsync(page, "#/ledger", "ledger");
        return (page, () => { lock (posted) { return [.. posted]; } });
    }

    private static ILocator Row(IPage page, string subject) => page.Locator($"#reconcile-mismatches tr[data-kind][data-subject='{subject}']");

    /// <summary>Opens the finding's form (its Acknowledge action) and types <paramref name="note"/>; the form.</summary>
    private static async Task<ILocator> OpenFormAsync(IPage page, string subject, string note)
    {
        await Row(page, subject).Locator("button.acknowledge-open").ClickAsync();
        var form = page.Locator($"#reconcile-mismatches tr.acknowledge-more[data-subject='{subject}'] form.acknowledge-form");
        await form.GetByLabel("Note").FillAsync(note);
        return form;
    }

    [Fact]
    public async Task Acknowledge_UnappliedPaymentThroughTheForm_ListedAcknowledgedWithTheNoteAndBooked()
    {
        string eventId = await UnappliedPaymentAsync();
        var finding = Assert.Single((await FindingsAsync(eventId)).Open);
        var (page, posted) = await OpenLedgerAsync();
        const string Note = "paid twice <b>refunded</b> in Stripe";

        var form = await OpenFormAsync(page, eventId, "  " + Note + "  ");
        var shown = await form.Locator(".acknowledge-what dd").AllTextContentsAsync();
        await ConsolePage.ScreenshotAsync(page, "ledger-acknowledge");
        await form.Locator("button.acknowledge-confirm").ClickAsync();
        var listed = page.Locator($"#reconcile-acknowledged tr[data-subject='{eventId}']");
        await listed.WaitForAsync();
        string answer = (await page.Locator("#acknowledge-answer").TextContentAsync())!;

        // What was shown is what reconcile gave, and what was sent names exactly that detail, with the note trimmed.
        Assert.Equal(["PaymentForUnknownInvoice", eventId, finding["detail"]!.GetValue<string>()], shown.Take(3));
        var request = JsonNode.Parse(Assert.Single(posted()))!;
        Assert.Equal(("PaymentForUnknownInvoice", eventId, finding["detailSha256"]!.GetValue<string>(), Note),
            (request["kind"]!.GetValue<string>(), request["subject"]!.GetValue<string>(), request["detailSha256"]!.GetValue<string>(), request["note"]!.GetValue<string>()));
        Assert.Contains($"Acknowledged PaymentForUnknownInvoice about {eventId}", answer, StringComparison.Ordinal);

        // Read again: listed under Acknowledged with the note (as text), gone from the mismatches, booked as an entry.
        Assert.StartsWith(Note + " (finance, ", await listed.Locator("td").Nth(3).TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#page b").CountAsync());
        Assert.Equal(0, await Row(page, eventId).CountAsync());
        var (open, acknowledged) = await FindingsAsync(eventId);
        Assert.Empty(open);
        string entryId = Assert.Single(acknowledged)["entryId"]!.GetValue<string>();
        Assert.Equal("ReconcileAcknowledged", await page.Locator($"#entry-list tr[data-entry='{entryId}'] td").Nth(2).TextContentAsync());
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("   ", "is required")]
    [InlineData("two\nlines", "one line")]
    public async Task Acknowledge_BadNote_RefusedInThePageWithoutARequest(string note, string message)
    {
        string eventId = await UnappliedPaymentAsync();
        var (page, posted) = await OpenLedgerAsync();

        var form = await OpenFormAsync(page, eventId, note);
        await form.Locator("button.acknowledge-confirm").ClickAsync();
        string error = (await form.Locator(".field-error[data-field='note']").TextContentAsync())!;
        await form.GetByLabel("Note").FillAsync(new string('x', 501));
        await form.Locator("button.acknowledge-confirm").ClickAsync();
        string tooLong = (await form.Locator(".field-error[data-field='note']").TextContentAsync())!;

        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains("at most 500", tooLong, StringComparison.Ordinal);
        Assert.Equal("true", await form.GetByLabel("Note").GetAttributeAsync("aria-invalid"));
        Assert.Empty(posted());
        Assert.Single((await FindingsAsync(eventId)).Open);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Acknowledge_Cancel_PostsNothingAndClosesTheForm()
    {
        string eventId = await UnappliedPaymentAsync();
        var (page, posted) = await OpenLedgerAsync();

        var form = await OpenFormAsync(page, eventId, "settled elsewhere");
        await form.Locator("button.acknowledge-cancel").ClickAsync();

        Assert.False(await form.IsVisibleAsync());
        Assert.Equal("false", await Row(page, eventId).Locator("button.acknowledge-open").GetAttributeAsync("aria-expanded"));
        Assert.Empty(posted());
        Assert.Single((await FindingsAsync(eventId)).Open);
        Assert.Empty(await AcknowledgementEntriesAsync(eventId));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Acknowledge_KindNotOnTheAllowList_NoAction()
    {
        // An unreadable burn row is repaired, never acknowledged: the API refuses it (409), so the page offers nothing.
        const string Planted = "burn-planted-ackform";
        var burns = PlantedRows.Table(fixture, "burns");
        var real = burns.Query<TableEntity>().First(e => e.GetString("InvoiceId") == fixture.CarrierInvoice);
        await using var burn = await PlantedRows.PlantAsync(burns, new TableEntity(real) { RowKey = Planted, ["Status"] = 7 });
        string eventId = await UnappliedPaymentAsync();
        var (page, _) = await OpenLedgerAsync();

        Assert.False(Assert.Single((await FindingsAsync(Planted)).Open)["acknowledgeable"]!.GetValue<bool>());
        Assert.Equal(1, await Row(page, Planted).CountAsync());
        Assert.Equal(0, await Row(page, Planted).Locator("button").CountAsync());
        Assert.Equal(0, await page.Locator($"#reconcile-mismatches tr.acknowledge-more[data-subject='{Planted}']").CountAsync());
        Assert.Equal(1, await Row(page, eventId).Locator("button.acknowledge-open").CountAsync()); // beside it, one that may be
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Acknowledge_DetailChangedAfterThePageRead_409ShownListReadAgainAndNothingBooked()
    {
        // A refund on a charge of no customer of ours (RefundUnmatched, subject: the charge): Stripe's amount_refunded is
        // cumulative, so a further refund changes the finding's detail after the page read it.
        string charge = "ch_console_ackform_" + Guid.NewGuid().ToString("N")[..8];
        await fixture.PostStripeEventAsync(StripeTestEvents.ChargeRefunded("evt_re1_" + charge, charge, 2_000, 500, "usd", DateTimeOffset.UtcNow));
        Assert.Contains("5.00 USD refunded", Assert.Single((await FindingsAsync(charge)).Open)["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var (page, posted) = await OpenLedgerAsync();
        var form = await OpenFormAsync(page, charge, "refunded by bank transfer, FIN-42");

        await fixture.PostStripeEventAsync(StripeTestEvents.ChargeRefunded("evt_re2_" + charge, charge, 2_000, 800, "usd", DateTimeOffset.UtcNow));
        await form.Locator("button.acknowledge-confirm").ClickAsync();
        var problem = page.Locator("#acknowledge-answer .problem[data-status='409']");
        await problem.WaitForAsync();
        await Row(page, charge).Locator("td", new() { HasText = "8.00 USD refunded" }).WaitForAsync(); // read again
        string answer = (await page.Locator("#acknowledge-answer").TextContentAsync())!;
        await ConsolePage.ScreenshotAsync(page, "ledger-acknowledge-409");

        Assert.Single(posted());
        Assert.Contains("Finding changed", await problem.TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("changed since this page read it", answer, StringComparison.Ordinal);
        var (open, acknowledged) = await FindingsAsync(charge);
        Assert.Contains("8.00 USD refunded", Assert.Single(open)["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(acknowledged);
        Assert.Empty(await AcknowledgementEntriesAsync(charge));
        Assert.Equal(1, await Row(page, charge).Locator("button.acknowledge-open").CountAsync()); // what it says now may be acknowledged
        await page.Context.CloseAsync();
    }
}
