namespace Billing.WebConsole.Tests;

/// <summary>
/// The console's Payments &amp; burns page (<c>pages/payments.js</c>) in headless Chromium: finance releases a held burn
/// (a burn whose invoice was refunded 23.45 of 123.45 USD, so 100.00 USD kept) through its form, and sees every release.
/// </summary>
[Collection(ConsoleCollection.Name)]
public class PaymentsConsoleTests(ConsoleFixture fixture)
{
    private const string Markup = "<img src=x onerror=alert(1)>";

    private static string InvoiceOf(string burnId) => burnId["burn-".Length..];

    /// <summary>
    /// A new held burn, and the Payments page signed in as finance (listing every burn, or <paramref name="filtered"/> to
    /// the burn's invoice): the burn's id, the page and the line under the burn.
    /// </summary>
    private async Task<(string Id, IPage Page, ILocator More)> OpenHeldAsync(bool filtered, string currency = "USD")
    {
        string id = await HeldBurns.CreateAsync(fixture.Platform.ConnectionString, fixture.Platform.TablePrefix, currency: currency);
        var page = await ConsolePage.OpenSignedInAsync(fixture, PlatformFixture.FinanceKey, "#/payments" + (filtered ? "?invoiceId=" + Uri.EscapeDataString(InvoiceOf(id)) : ""), "payments");
        return (id, page, page.Locator($"#burn-list tr[data-burn-more='{id}']"));
    }

    /// <summary>Fills the burn's release form and asks for the confirmation step (Review).</summary>
    private static async Task FillAsync(ILocator more, string amount, string note)
    {
        if (!await more.Locator("form.release-form").IsVisibleAsync())
        {
            await more.Locator("button.release-open").ClickAsync();
        }

        await more.Locator("input[name=amount]").FillAsync(amount);
        await more.Locator("input[name=note]").FillAsync(note);
        await more.Locator("button.release-review").ClickAsync();
    }

    /// <summary>Fills the form, reviews and confirms; what the confirmation step said would be burned.</summary>
    private static async Task<string> ReleaseAsync(ILocator more, string amount, string note)
    {
        await FillAsync(more, amount, note);
        string summary = (await more.Locator(".release-summary").TextContentAsync())!;
        await more.Locator("button.release-confirm").ClickAsync();
        return summary;
    }

    private async Task<JsonNode> BurnAsync(string burnId)
    {
        var (_, body, _) = await fixture.GetAsync($"api/v1/burns?invoiceId={InvoiceOf(burnId)}", PlatformFixture.FinanceKey);
        return JsonNode.Parse(body)!.AsArray().Single()!;
    }

    [Fact]
    public async Task Release_NothingWithMarkupInTheNote_SkippedAndTheNoteListedAsText()
    {
        var (id, page, more) = await OpenHeldAsync(filtered: false);
        int dialogs = 0;
        page.Dialog += (_, dialog) =>
        {
            dialogs++;
            _ = dialog.DismissAsync();
        };
        string reason = (await more.Locator(".held-reason").TextContentAsync())!;

        string summary = await ReleaseAsync(more, "0", Markup);
        string answer = (await page.Locator("#release-answer .release-ok[data-status='skipped']").TextContentAsync())!;
        string history = (await more.Locator("li.release").TextContentAsync())!; // the list read again after the release
        string status = (await page.Locator($"#burn-list tr[data-burn='{id}'] .badge").TextContentAsync())!;
        await ConsolePage.ScreenshotAsync(page, "payments-release");

        Assert.StartsWith("held:", reason, StringComparison.Ordinal); // why it is held, next to its Release
        Assert.Equal($"Burn nothing (0.00 USD) of {InvoiceOf(id)}: the burn is skipped; this cannot be undone.", summary);
        Assert.Contains("skipped", answer, StringComparison.Ordinal);
        Assert.Equal("skipped", status);
        Assert.Contains("by finance: burn 0.00 USD of 100.00 USD kept", history, StringComparison.Ordinal);
        Assert.Equal(Markup, await more.Locator("li.release .release-note").TextContentAsync()); // as text, never parsed as HTML
        Assert.Equal(0, await page.Locator("#page img").CountAsync());
        Assert.Equal(0, dialogs);
        Assert.Equal(0, await more.Locator("button.release-open").CountAsync()); // no longer held
        var release = Assert.Single((await BurnAsync(id))["releases"]!.AsArray())!;
        Assert.Equal((0L, Markup), (release["amountMinor"]!.GetValue<long>(), release["note"]!.GetValue<string>()));
        await page.Context.CloseAsync();
    }

    /// <remarks>CAD: the console once kept its own copy of the currency table, without CAD and AUD, so a CAD burn's form
    /// took minor units and refused "70.5" as having decimals.</remarks>
    [Theory]
    [InlineData("USD")]
    [InlineData("CAD")]
    public async Task Release_AnAmountInMajorUnits_PendingForExactlyThoseMinorUnitsAndListed(string currency)
    {
        var (id, page, more) = await OpenHeldAsync(filtered: true, currency);

        string summary = await ReleaseAsync(more, "70.5", "customer kept 70.50 after the partial refund");
        string answer = (await page.Locator("#release-answer .release-ok[data-status='pending']").TextContentAsync())!;
        string history = (await more.Locator("li.release").TextContentAsync())!;
        var burn = await BurnAsync(id);

        Assert.Equal($"Burn 70.50 {currency} of {InvoiceOf(id)}; this cannot be undone.", summary);
        Assert.Contains($"70.50 {currency} to burn", answer, StringComparison.Ordinal);
        Assert.Contains($"by finance: burn 70.50 {currency} of 100.00 {currency} kept; customer kept 70.50 after the partial refund", history, StringComparison.Ordinal);
        Assert.Equal(7_050L, burn["usdMinor"]!.GetValue<long>());
        Assert.Equal(7_050L, burn["releases"]![0]!["amountMinor"]!.GetValue<long>());
        Assert.NotEqual("held", burn["status"]!.GetValue<string>()); // pending, or already signed by the executor since
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Release_MoreThanTheInvoiceKept_The409DetailShownAndTheAmountFieldNamed()
    {
        var (id, page, more) = await OpenHeldAsync(filtered: true);

        await ReleaseAsync(more, "100.01", "one cent too much");
        string problem = (await more.Locator(".release-problem .problem[data-status='409']").TextContentAsync())!;
        string fieldError = (await more.Locator(".field-error[data-field='amountMinor']").TextContentAsync())!;
        await ConsolePage.ScreenshotAsync(page, "payments-release-409");

        Assert.Contains("More than can be burned", problem, StringComparison.Ordinal);
        Assert.Contains("100.01 USD (10001 minor units) is more than", problem, StringComparison.Ordinal); // the form's major units first
        Assert.Contains("kept after its credit notes and refunds, 100.00 USD (10000 minor units)", problem, StringComparison.Ordinal);
        Assert.Contains("100.00 USD", fieldError, StringComparison.Ordinal); // next to the amount
        Assert.Equal("true", await more.Locator("input[name=amount]").GetAttributeAsync("aria-invalid"));
        Assert.True(await more.Locator("input[name=amount]").IsEditableAsync()); // the form stays for a correction
        Assert.Equal(0, await page.Locator("#release-answer .release-ok").CountAsync());
        Assert.Equal("held", (await BurnAsync(id))["status"]!.GetValue<string>());
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("70.505", "ok", "amountMinor", "has at most 2 decimals")]
    [InlineData("-1", "ok", "amountMinor", "must not be negative")]
    [InlineData("seventy", "ok", "amountMinor", "must be a number")]
    [InlineData("1,000.00", "ok", "amountMinor", "no thousands separators")]
    [InlineData("70.50", "   ", "note", "is required")]
    public async Task Release_BadAmountOrNote_RefusedInThePageWithoutARequest(string amount, string note, string field, string message)
    {
        var (id, page, more) = await OpenHeldAsync(filtered: true);
        int releases = 0;
        page.Request += (_, request) => releases += request.Url.Contains("/release", StringComparison.Ordinal) ? 1 : 0;

        await FillAsync(more, amount, note);
        string error = (await more.Locator($".field-error[data-field='{field}']").TextContentAsync())!;
        await FillAsync(more, "70.50", new string('x', 501));
        string noteError = (await more.Locator(".field-error[data-field='note']").TextContentAsync())!;

        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains("at most 500", noteError, StringComparison.Ordinal);
        Assert.False(await more.Locator(".release-confirmation").IsVisibleAsync());
        Assert.Equal(0, releases);
        Assert.Equal("held", (await BurnAsync(id))["status"]!.GetValue<string>());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Payments_Carrier_NoPageAndNoReleaseAction()
    {
        await HeldBurns.CreateAsync(fixture.Platform.ConnectionString, fixture.Platform.TablePrefix);
        var page = await fixture.NewPageAsync();
        await ConsolePage.SignInAsync(page, PlatformFixture.CarrierKey);
        await ConsolePage.OpenAsync(page, "#/payments", "usage"); // not the carrier's: the first page it may open instead

        Assert.Equal(0, await page.Locator("#nav-payments").CountAsync());
        Assert.Equal(0, await page.Locator("button.release-open").CountAsync());
        await page.Context.CloseAsync();
    }
}
