namespace Billing.WebConsole.Tests;

/// <summary>Steps through the console as a user does: sign in, follow a link (hash route), wait for the page to render.</summary>
public static class ConsolePage
{
    private const string Rendered = "#page section[data-ready='true']";

    public static async Task SignInAsync(IPage page, string key)
    {
        await page.GotoAsync("api/console/");
        await page.FillAsync("#apikey", key);
        await page.ClickAsync("#signin-form button[type=submit]");
        await page.WaitForSelectorAsync(Rendered);
    }

    /// <summary>A new page of <paramref name="fixture"/>'s browser, signed in with <paramref name="key"/> and showing <paramref name="hash"/>.</summary>
    public static async Task<IPage> OpenSignedInAsync(ConsoleFixture fixture, string key, string hash, string pageId)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var page = await fixture.NewPageAsync();
        await SignInAsync(page, key);
        await OpenAsync(page, hash, pageId);
        return page;
    }

    /// <summary>Navigates to <paramref name="hash"/> and waits until that navigation's page (not an earlier one) has rendered.</summary>
    public static async Task OpenAsync(IPage page, string hash, string pageId)
    {
        string before = await page.EvaluateAsync<string>("() => document.querySelector('#page section')?.dataset.render ?? '0'");
        await page.EvaluateAsync("h => { location.hash = h; }", hash);
        await page.WaitForFunctionAsync(
            "([id, before]) => { const s = document.querySelector('#page section'); return !!s && s.dataset.page === id && s.dataset.ready === 'true' && Number(s.dataset.render) > Number(before); }",
            new object[] { pageId, before });
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ConsoleFixture.Screenshots, name + ".png"), FullPage = true });
}
