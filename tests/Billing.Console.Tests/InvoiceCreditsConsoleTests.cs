using Billing.Application.Ledger;
using Billing.Domain;
using Billing.Domain.Invoicing;
using Billing.Storage;
using Billing.Storage.Ledger;

namespace Billing.WebConsole.Tests;

/// <summary>
/// One invoice (<c>pages/invoices.js</c>) in headless Chromium when a Stripe credit note took part of it off before
/// payment: the page says so, so "total 100, paid 60, remaining 0" reads with its reason. A carrier of its own (no other
/// console test lists its invoices) with a May 2019 invoice, credited and paid through the signed webhook as Stripe sends it.
/// </summary>
[Collection(ConsoleCollection.Name)]
public class InvoiceCreditsConsoleTests(ConsoleFixture fixture)
{
    private const string Payer = "carrier-credited";
    private const string Id = $"INV-{Payer}-201905";
    private const string StripeInvoice = "in_console_201905";

    [Fact]
    public async Task InvoicePage_PrePaymentCreditNoteThenPayment_ShowsPaidCreditedRemainingAndTheNote()
    {
        using (var created = await fixture.Platform.CreatePartnerAsync(Payer, "carrier", "carrier-standard-v1"))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        var tables = new BillingTables(new TableServiceClient(fixture.Platform.ConnectionString), new StorageOptions { TablePrefix = fixture.Platform.TablePrefix });
        var line = new InvoiceLine("offload.bytes", "Data offload", null, 10_000_000m, "DC", 0.00001m, new Money(10_000, Currency.USD));
        var invoice = new Invoice(InvoiceId.Parse(Id), "carrier-standard-v1", InvoiceStatus.Draft, Currency.USD, [line], StripeInvoice).Finalize();
        await new InvoiceStore(tables).AddOrGetAsync(invoice, CancellationToken.None);
        await new LedgerRecorder(new LedgerStore(tables), new PartnerStore(tables), TimeProvider.System).InvoiceFinalizedAsync(invoice, CancellationToken.None);
        await fixture.PostStripeEventAsync(StripeTestEvents.CreditNote("evt_cn_console_201905", "cn_console_201905", StripeInvoice, 4_000, "usd", DateTimeOffset.UtcNow, prePaymentMinor: 4_000));
        await fixture.PostStripeEventAsync(StripeTestEvents.InvoicePaid("evt_paid_console_201905", StripeInvoice, Id, 6_000, "usd", "cus_console_201905", DateTimeOffset.UtcNow));

        var page = await ConsolePage.OpenSignedInAsync(fixture, PlatformFixture.FinanceKey, $"#/invoices/{Id}", "invoices");
        string facts = (await page.Locator("#invoice-facts").TextContentAsync())!;
        string notes = (await page.Locator("#invoice-credit-notes").TextContentAsync())!;
        await ConsolePage.ScreenshotAsync(page, "invoice-credited");

        // Before: Total, Paid 60.00 and Remaining 0.00 alone, and no credit note anywhere on the page.
        foreach (string shown in new[] { "Total100.00 USD", "Paid60.00 USD", "Credited before payment40.00 USD", "Remaining0.00 USD", "Credited by credit notes40.00 USD" })
        {
            Assert.Contains(shown, facts, StringComparison.Ordinal);
        }

        foreach (string shown in new[] { "cn_console_201905", "40.00 USD", "40.00 USD off the amount due" })
        {
            Assert.Contains(shown, notes, StringComparison.Ordinal);
        }

        await ConsolePage.OpenAsync(page, $"#/invoices/{fixture.CarrierInvoice}", "invoices"); // paid in full, never credited
        Assert.DoesNotContain("Credited", (await page.Locator("#invoice-facts").TextContentAsync())!, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#invoice-credit-notes").CountAsync());
    }
}
