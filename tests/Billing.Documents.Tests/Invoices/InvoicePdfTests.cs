using System.Text;
using Billing.Domain.Credits;

namespace Billing.Documents.Tests.Invoices;

public class InvoicePdfTests
{
    [Fact]
    public async Task Render_PaidCarrierInvoice_TextShowsTotalsDataCreditsBurnAndAnchor()
    {
        var document = SampleDocuments.PaidCarrier();

        var pdf = await PdfText.ReadAsync(InvoicePdf.Render(document));

        string text = pdf.All;
        foreach (string expected in new[]
        {
            "INV-carrier-tmo-202610", "Example Networks Ltd", "1 Ledger Lane", "T-Mobile Offload (carrier-tmo)", "2026-10 (2026-10-01 to 2026-10-31, UTC)",
            "paid", "Amount (USD)", "10,000.00", "987.65", "10,987.65 USD", "1,000,000,000", "123,456,789", "0.000008",
            "112,345,678,900,000,000 bytes", "1,123,456,789 DC", // the Data Credits are the sum of the DC lines
            "evt_1QxYzAbCdEfGhIjKlMnOpQrS", "finalized", "4,395.06000000 tokens (439506000000 base units, 8 decimals) at 2.50 USD per token",
            SampleDocuments.Signature, SampleDocuments.Mint, "invoice-finalized:INV-carrier-tmo-202610", SampleDocuments.EntryHash, SampleDocuments.Root,
            SampleDocuments.AnchorSignature, SampleDocuments.Authority, "entries 40-47",
        })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }

        Assert.Equal(1, pdf.Pages);
    }

    [Fact]
    public async Task Render_200Lines_SpansPagesAndShowsEveryLine()
    {
        var lines = Enumerable.Range(1, 200)
            .Select(i => SampleDocuments.Line($"GPU compute line {i}", i * 3600m / 3600, "GPU-hour", 2.00m, 100_000 + i, "compute.gpu_seconds",
                new Dictionary<string, string> { ["gpuModel"] = "H100", ["lease"] = $"lease-{i:D4}-" + new string('x', 60) }))
            .ToList();
        var invoice = new Invoice(InvoiceId.Parse("INV-tenant-lab-202610"), "compute-standard-v1", InvoiceStatus.Finalized, Currency.USD, lines);
        var document = SampleDocuments.PaidCarrier() with { Invoice = invoice, Payments = [], Burns = [], OffloadBytes = null };

        var pdf = await PdfText.ReadAsync(InvoicePdf.Render(document));

        Assert.True(pdf.Pages > 1, $"{pdf.Pages} page(s)");
        string text = pdf.All;
        var words = text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        for (int i = 1; i <= 200; i++)
        {
            Assert.Contains($"GPU compute line {i} ", text, StringComparison.Ordinal);
            Assert.Contains(Grouped(100_000 + i), words);
        }

        string total = $"{Grouped(Enumerable.Range(1, 200).Sum(i => 100_000L + i))} USD";
        Assert.True(text.Contains(total, StringComparison.Ordinal), $"{total} not on the last page: {pdf.PageTexts[^1]}");
        Assert.Contains($"page {pdf.Pages} of {pdf.Pages}", pdf.PageTexts[^1], StringComparison.Ordinal);
        Assert.All(pdf.PageTexts.Skip(1), page => Assert.Contains("Unit price", page, StringComparison.Ordinal)); // the header repeats
        Assert.DoesNotContain("Data offload", text, StringComparison.Ordinal); // no carrier section for a tenant
    }

    [Fact]
    public async Task Render_LongIdsEverywhere_NothingRunsOffThePage()
    {
        string longPayer = "carrier-" + new string('q', 120);
        var invoice = new Invoice(InvoiceId.Parse($"INV-{longPayer}-202610"), "carrier-standard-v1", InvoiceStatus.Paid, Currency.USD,
            [SampleDocuments.Line(new string('D', 300), 123_456_789_012_345.123456m, "DC", 0.00001m, 123_456_789_012, group: new Dictionary<string, string> { ["hotspot"] = new string('H', 200) })],
            amountPaidMinor: 123_456_789_012);
        var document = SampleDocuments.PaidCarrier() with { Invoice = invoice, Issuer = new InvoiceIssuer(new string('N', 120), [new string('A', 120)]) };

        var pdf = await PdfText.ReadAsync(InvoicePdf.Render(document));

        Assert.True(pdf.MaxRight <= pdf.PageWidth - 49, $"text reaches x={pdf.MaxRight} on a page {pdf.PageWidth} wide");
        Assert.Contains(SampleDocuments.Signature, pdf.All, StringComparison.Ordinal); // a signature fits one line whole
        Assert.Contains("1,234,567,890.12 USD", pdf.All, StringComparison.Ordinal); // the total
        Assert.Contains("1,234,567,890.12", pdf.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_PartnerTextTheFontLacksOrThatReorders_SpelledOutSoNoCharacterHides()
    {
        // A partner can send CJK and emoji; declared text refuses bidi and zero-width characters since 2026-12, but facts metered before may hold them.
        var invoice = new Invoice(InvoiceId.Parse("INV-carrier-tmo-202610"), "carrier-standard-v1", InvoiceStatus.Finalized, Currency.USD,
            [SampleDocuments.Line("Site visits", 1m, "visit", 1m, 100, "site.visits", new Dictionary<string, string> { ["site"] = "\u202E0001$\u202C\u6771\U0001F600\u200Bz" })]);
        var document = SampleDocuments.PaidCarrier() with { Invoice = invoice, PayerName = "Name \u4EAC é" };

        string text = (await PdfText.ReadAsync(InvoicePdf.Render(document))).All;

        Assert.Contains("site=\\u202E0001$\\u202C\\u6771\\U0001F600\\u200Bz", text.Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal); // wrapped in its column
        Assert.Contains("Name \\u4EAC é (carrier-tmo)", text, StringComparison.Ordinal); // what the font has stays as it is
        Assert.DoesNotContain('\0', text); // what pdf.js reads for a glyph the font lacks
    }

    [Fact]
    public async Task Render_CreditNotes_ListsEachWithWhatItDid()
    {
        var at = new DateTimeOffset(2026, 11, 5, 8, 0, 0, TimeSpan.Zero);
        CreditNoteEntry Note(string id, long amount, long pre, long post, long refunded, bool applied = true) =>
            new(id, "in_1QxYzStripeInvoice", "USD", new CreditNoteAmounts(amount, pre, post, refunded, 0), applied, applied ? CreditNoteReason.None : CreditNoteReason.ExceedsPaid, at, "evt_" + id);
        var document = SampleDocuments.PaidCarrier() with
        {
            CreditNotes =
            [
                Note("cn_1RefundedPart", 100_000, 0, 100_000, 60_000),
                Note("cn_2BeforePayment", 25_000, 25_000, 0, 0),
                Note("cn_3Voided", 5_000, 0, 5_000, 5_000) with { VoidedBy = "evt_void", VoidedAt = at.AddDays(2) },
                Note("cn_4TooMuch", 9_999_999, 0, 9_999_999, 0, applied: false),
            ],
        };

        // A cell's text wraps in its column: compare with line breaks read as spaces.
        string text = System.Text.RegularExpressions.Regex.Replace((await PdfText.ReadAsync(InvoicePdf.Render(document))).All, @"\s+", " ");

        foreach (string expected in new[]
        {
            "Credit notes", "cn_1RefundedPart", "1,000.00 USD", "600.00 USD refunded; 400.00 USD to the customer balance",
            "cn_2BeforePayment", "250.00 USD off the amount due", "cn_3Voided", "void since 2026-11-07", "cn_4TooMuch", "not applied (ExceedsPaid)",
        })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Render_NoCreditNotes_NoSection()
    {
        string text = (await PdfText.ReadAsync(InvoicePdf.Render(SampleDocuments.PaidCarrier()))).All;

        Assert.DoesNotContain("Credit notes", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Always_EmbedsTheBundledDejaVuFonts()
    {
        string raw = Encoding.Latin1.GetString(InvoicePdf.Render(SampleDocuments.PaidCarrier()));

        Assert.StartsWith("%PDF-", raw, StringComparison.Ordinal);
        var names = System.Text.RegularExpressions.Regex.Matches(raw, @"/FontName\s*/[A-Z]{6}\+(DejaVu[^/\s>]*)")
            .Select(m => m.Groups[1].Value.Replace("#20", " ", StringComparison.Ordinal)).ToHashSet();
        Assert.True(names.SetEquals(["DejaVu Sans", "DejaVu Sans,Bold", "DejaVu Sans Mono"]), $"embedded subsets: {string.Join(", ", names)}");
        Assert.Contains("/FontFile2", raw, StringComparison.Ordinal); // the TrueType programs are embedded, not referenced
    }

    private static string Grouped(long minor) => new Money(minor, Currency.USD).ToDecimal().ToString("#,0.00", System.Globalization.CultureInfo.InvariantCulture);
}
