namespace Billing.Domain.Tests.Invoicing;

public class InvoiceCsvTests
{
    private static readonly BillingPeriod October = new(2026, 10);

    private static string Csv(params Invoice[] invoices)
    {
        using var writer = new StringWriter();
        InvoiceCsv.Write(writer, invoices);
        return writer.ToString();
    }

    [Fact]
    public void Write_NoInvoices_HeaderOnly()
    {
        Assert.Equal(
            "invoice_id,payer,period_start,period_end,line,meter,group,quantity,unit,unit_price,amount,currency\r\n",
            Csv());
    }

    [Fact]
    public void Write_OneInvoice_HeaderAndRows()
    {
        Invoice invoice = RatingEngine.Rate(TestPlans.Carrier, "carrier-tmo", October, [TestPlans.Bytes(1_234_500_000)]);
        using var writer = new StringWriter();

        InvoiceCsv.Write(writer, invoice);

        Assert.Equal(
            InvoiceCsv.Header + "\r\n"
            + "INV-carrier-tmo-202610,carrier-tmo,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,1,offload.bytes,{},12345,DC,0.00001,0.12,USD\r\n",
            writer.ToString());
    }

    [Fact]
    public void Write_ManyInvoices_LinesNumberedPerInvoiceGroupQuoted()
    {
        Invoice carrier = RatingEngine.Rate(TestPlans.Carrier, "carrier-tmo", October, [TestPlans.Bytes(1_234_500_000)]);
        Invoice compute = RatingEngine.Rate(TestPlans.Compute, "tenant-acme", October, [TestPlans.Gpu("H100", 5_400)]);

        string[] rows = Csv(carrier, compute).Split("\r\n");

        Assert.Equal(5, rows.Length); // header, 1 + 2 lines, trailing empty
        Assert.Equal(
            "INV-tenant-acme-202610,tenant-acme,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,1,compute.gpu_seconds,\"{\"\"gpuModel\"\":\"\"H100\"\"}\",1.5,GPU-hour,2.00,3.00,USD",
            rows[2]);
        Assert.Equal(
            "INV-tenant-acme-202610,tenant-acme,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,2,minimum-commitment,{},1,,97.00,97.00,USD",
            rows[3]);
        Assert.Equal("", rows[4]);
    }

    [Fact]
    public void Write_FieldWithCommaAndQuote_QuotedRfc4180()
    {
        var line = new InvoiceLine(
            "offload.bytes", "x", new Dictionary<string, string> { ["hotspot"] = "a,\"b\"", ["rat"] = "5g" }, 1m, "DC", 1m, new Money(100, Currency.USD));
        var invoice = new Invoice(new InvoiceId("p", October), "plan", InvoiceStatus.Draft, Currency.USD, [line]);

        string row = Csv(invoice).Split("\r\n")[1];

        Assert.Contains(",\"{\"\"hotspot\"\":\"\"a,\\\"\"b\\\"\"\"\",\"\"rat\"\":\"\"5g\"\"}\",", row, StringComparison.Ordinal); // JSON's \" inside, doubled by CSV
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")")]
    [InlineData("+1")]
    [InlineData("-1+2")]
    [InlineData("@SUM(A1)")]
    [InlineData("\tcmd")]
    [InlineData("\rcmd")]
    public void Write_ConfiguredTextStartingWithFormulaCharacter_CellPrefixedWithQuote(string text)
    {
        // A configured (not API-created) payer, meter or unit is not held to the API's id rules.
        var line = new InvoiceLine(text, "x", null, 1m, text, 1m, new Money(100, Currency.USD));
        bool payerCan = !text.Any(char.IsWhiteSpace); // payer ids never hold whitespace
        var invoice = new Invoice(new InvoiceId(payerCan ? text : "p", October), "plan", InvoiceStatus.Draft, Currency.USD, [line]);

        string[] cells = Csv(invoice).Split("\r\n")[1].Split(',');

        string expected = InvoiceCsv.Escape("'" + text);
        Assert.Equal(payerCan ? expected : "p", cells[1]);
        Assert.Equal(expected, cells[5]);
        Assert.Equal(expected, cells[8]);
    }

    [Fact]
    public void Write_NegativeNumbers_StayNumbers()
    {
        var line = new InvoiceLine("offload.bytes", "x", null, -3m, "DC", -1.5m, new Money(-450, Currency.USD));
        var invoice = new Invoice(new InvoiceId("p", October), "plan", InvoiceStatus.Draft, Currency.USD, [line]);

        string row = Csv(invoice).Split("\r\n")[1];

        Assert.EndsWith(",-3,DC,-1.5,-4.50,USD", row, StringComparison.Ordinal);
    }

    // The group cell is JSON a spreadsheet user reads as text: before, Utf8JsonWriter wrote {"site":"Z\u00FCrich"}.
    [Fact]
    public void Write_GroupValueBeyondAscii_CellCarriesTheTextAsIsAndStaysValidJson()
    {
        var group = new Dictionary<string, string> { ["site"] = "Zürich 東京 ☃ 𝄞", ["zone"] = "a\"b\\c" };
        var line = new InvoiceLine("site.visits", "Site visits", group, 1m, "visit", 1m, new Money(100, Currency.USD));
        var invoice = new Invoice(new InvoiceId("p", October), "plan", InvoiceStatus.Draft, Currency.USD, [line]);

        string row = Csv(invoice).Split("\r\n")[1];
        string cell = row[row.IndexOf(",\"{", StringComparison.Ordinal)..row.IndexOf("}\",", StringComparison.Ordinal)][1..] + "}\"";

        Assert.Equal("\"{\"\"site\"\":\"\"Zürich 東京 ☃ 𝄞\"\",\"\"zone\"\":\"\"a\\\"\"b\\\\c\"\"}\"", cell);
        string json = cell[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal);
        Assert.Equal(group, JsonSerializer.Deserialize<Dictionary<string, string>>(json));
    }

    // What would not show as itself in a cell (controls, bidi overrides, zero-width characters, separators, a lone
    // surrogate) stays escaped, so a value can neither break the row nor read backwards.
    [Fact]
    public void Write_GroupValueWithControlAndFormatCharacters_EscapedInTheJson()
    {
        var group = new Dictionary<string, string> { ["site"] = "a\n\t\u001B\u202E\u200B\u2028\uD800z" };
        var line = new InvoiceLine("site.visits", "Site visits", group, 1m, "visit", 1m, new Money(100, Currency.USD));
        var invoice = new Invoice(new InvoiceId("p", October), "plan", InvoiceStatus.Draft, Currency.USD, [line]);

        string row = Csv(invoice).Split("\r\n")[1];

        Assert.Contains(",\"{\"\"site\"\":\"\"a\\u000A\\u0009\\u001B\\u202E\\u200B\\u2028\\uD800z\"\"}\",", row, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("", "")]
    public void Escape_SpecialCharacters_Quoted(string field, string expected)
    {
        Assert.Equal(expected, InvoiceCsv.Escape(field));
    }
}
