using Azure;

namespace Billing.WebConsole.Tests;

/// <summary>
/// The console's pages that read one payer (<c>pages/invoices.js</c>, <c>pages/usage.js</c>) in headless Chromium, for a
/// payer whose partner row was removed from storage outside the platform while its audit trail remains: the API answers
/// with what is stored and the <c>Billing-Payer-Row-Missing</c> header, and the page says so.
/// </summary>
[Collection(ConsoleCollection.Name)]
public class PayerRowMissingConsoleTests(ConsoleFixture fixture)
{
    [Theory]
    [InlineData("invoices")]
    [InlineData("usage")]
    public async Task Page_PayerWhosePartnerRowWasRemoved_WarnsNamingThePayer(string pageId)
    {
        string id = "carrier-rowless-" + Guid.NewGuid().ToString("N")[..8];
        using (var created = await fixture.Platform.CreatePartnerAsync(id, "carrier", "carrier-standard-v1"))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        // As someone with write access to storage could; put back afterwards, so the other console tests see the platform as it was.
        var partners = PlantedRows.Table(fixture, "partners");
        var row = (await partners.GetEntityAsync<TableEntity>("p", id)).Value;
        await partners.DeleteEntityAsync("p", id, ETag.All);
        try
        {
            var page = await ConsolePage.OpenSignedInAsync(fixture, PlatformFixture.FinanceKey, $"#/{pageId}?payer={id}", pageId);
            var warning = page.Locator("#payer-row-missing");

            // Before: the page showed the payer's (empty) records as for any partner, and nothing said its row was gone.
            Assert.Equal(1, await warning.CountAsync());
            Assert.Equal("alert", await warning.GetAttributeAsync("role"));
            string text = (await warning.TextContentAsync())!;
            Assert.Contains(id, text, StringComparison.Ordinal);
            Assert.Contains("partner row of this payer is missing", text, StringComparison.Ordinal);
            await ConsolePage.ScreenshotAsync(page, "payer-row-missing-" + pageId);

            await ConsolePage.OpenAsync(page, $"#/{pageId}?payer=carrier-tmo", pageId);
            Assert.Equal(0, await page.Locator("#payer-row-missing").CountAsync()); // a payer with its row: no warning
        }
        finally
        {
            await partners.UpsertEntityAsync(row, TableUpdateMode.Replace);
        }
    }
}
