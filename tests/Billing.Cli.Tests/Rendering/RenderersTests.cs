using Billing.Contracts.Burns;
using Billing.Contracts.Invoices;
using Billing.Contracts.Ledger;
using Billing.Contracts.Usage;

namespace Billing.Cli.Tests.Rendering;

/// <summary>Tables against realistic data at the width a pipe gets (80): nothing wider, no id split inside a cell.</summary>
public sealed class RenderersTests
{
    private const string Signature = "5Kq3Vd9xR2mJYwTqz8NfA4pLsB7cHeU1gWiXoZkD6rMtQn3yEvGbCu2aSjPhFw9LxTdRe8KmYq7NzBa4VcUo1x9Tz";
    private const string Marker = "9vF2kQeLhR7sT3wXyZ1aBcD4eFgH5iJkL6mNoP8qRsTu";
    private const string Hotspot = "112CuoXo7WCcp6GGwDNBo6H5nKXGH45UNJ39iEefdv2mwmnwdFH";

    /// <summary>Draws at <paramref name="width"/> columns; every line fits but the whole values named, which stand alone.</summary>
    private static string Render(int width, Action<IAnsiConsole> draw, params string[] wholeValues)
    {
        var text = new StringWriter { NewLine = "\n" };
        draw(CliHarness.Console(text, width));
        Assert.All(text.ToString().Split('\n').Where(l => !wholeValues.Contains(l)), l => Assert.True(l.Length <= width, $"{l.Length} columns: {l}"));
        return text.ToString();
    }

    private static void AssertContainsAll(string text, params string[] expected) =>
        Assert.All(expected, e => Assert.Contains(e, text, StringComparison.Ordinal));

    private static BurnView Burn(string invoiceId) => new(
        "burn-" + invoiceId, invoiceId, 233_080, "2.50", "93232000000", 8, "finalized", Signature, Marker, 312_456_789, "carrier-tmo", "USD",
        "TokenMint1111111111111111111111111111111111", $"billing:burn:v1:{invoiceId}:burn-{invoiceId}", null, 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, []);

    [Fact]
    public void Burns_At80Columns_FitsAndPrintsTheFullSignatureAndMarkerOnTheirOwnLines()
    {
        string text = Render(80, c => Renderers.Burns(c, [Burn("INV-carrier-tmo-202611"), Burn("INV-carrier-with-a-very-long-partner-name-202611") with { Marker = null }]), Signature, Marker);

        Assert.Equal(2, text.Split('\n').Count(l => l == Signature));
        Assert.Equal(1, text.Split('\n').Count(l => l == Marker)); // a burn signed before markers has none
        Assert.Contains("marker of INV-carrier-tmo-202611:\n" + Marker, text, StringComparison.Ordinal);
        AssertContainsAll(text, "5Kq3…x9Tz", "2,330.80 USD", "932.32000000", "INV-carrier-tmo-202611"); // a normal id stays whole
    }

    [Fact]
    public void Burns_HeldAndReleased_SaysWhyItWaitsAndEveryRelease()
    {
        var at = new DateTimeOffset(2026, 11, 3, 10, 0, 0, TimeSpan.Zero);
        var held = Burn("INV-carrier-tmo-202611") with { Status = "held", Signature = null, Reason = "held: INV-carrier-tmo-202611 keeps only 9000 after the refunds recorded since" };
        var released = Burn("INV-tenant-lab-202611") with
        {
            Releases = [new("finance-ops", at, 10_000, 10_000, "goodwill refund"), new("finance-lead", at.AddDays(1), 9_000, null, "second refund of 10.00, " + new string('x', 120))],
        };

        string text = string.Join(" ", Render(80, c => Renderers.Burns(c, [held, released]), Signature).Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)); // long lines wrap at 80

        AssertContainsAll(text,
            "INV-carrier-tmo-202611 held: INV-carrier-tmo-202611 keeps only 9000",
            "released INV-tenant-lab-202611: 100.00 USD of 100.00 USD kept, by finance-ops at 2026-11-03 10:00:00Z: goodwill refund",
            "released INV-tenant-lab-202611: 90.00 USD, by finance-lead at 2026-11-04 10:00:00Z: second refund");
    }

    [Fact]
    public void Burns_NoteAndReasonWithTerminalEscapesOrReordering_PrintedSpelledOut()
    {
        var burn = Burn("INV-carrier-tmo-202611") with
        {
            Status = "held",
            Signature = null,
            Reason = "held: \u001B[2Jcleared",
            Releases = [new("finance-ops", DateTimeOffset.UnixEpoch, 100, 100, "pay \u202Eevil\u202C and \u2028more")],
        };

        string text = Render(240, c => Renderers.Burns(c, [burn]));

        AssertContainsAll(text, "held: \\u001B[2Jcleared", "pay \\u202Eevil\\u202C and \\u2028more");
        Assert.DoesNotContain('\u001B', text);
        Assert.DoesNotContain('\u202E', text);
    }

    // A signature or marker is any text a burn row holds (someone with write access to storage can plant one), and each is
    // printed whole on its own line to be copied: a terminal escape in it is spelled out, never sent to the terminal.
    [Fact]
    public void Burns_SignatureAndMarkerWithTerminalEscapes_PrintedSpelledOut()
    {
        var burn = Burn("INV-carrier-tmo-202611") with { Signature = "5Kq3\u001B]52;c;ZXZpbA==\u0007", Marker = "9vF2\u001B[2J\u202Ex" };

        string text = Render(240, c => Renderers.Burns(c, [burn]), "5Kq3\\u001B]52;c;ZXZpbA==\\u0007", "9vF2\\u001B[2J\\u202Ex");

        AssertContainsAll(text, "signature of INV-carrier-tmo-202611:\n5Kq3\\u001B]52;c;ZXZpbA==\\u0007\n", "marker of INV-carrier-tmo-202611:\n9vF2\\u001B[2J\\u202Ex\n");
        Assert.DoesNotContain('\u001B', text);
        Assert.DoesNotContain('\u0007', text);
        Assert.DoesNotContain('\u202E', text);
    }

    [Fact]
    public void Burns_WideTerminal_KeepsEveryColumnWhole()
    {
        string text = Render(240, c => Renderers.Burns(c, [Burn("INV-carrier-tmo-202611")]));

        var tableLines = text.Split('\n').Where(l => l.Contains('│', StringComparison.Ordinal)).ToList();
        Assert.Contains(tableLines, l => l.Contains(Signature, StringComparison.Ordinal) && l.Contains("burn-INV-carrier-tmo-202611", StringComparison.Ordinal));
    }

    [Fact]
    public void InvoiceList_At80Columns_FitsWithTotalsInMajorUnits()
    {
        var period = new InvoicePeriodRange("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z");

        string text = Render(80, c => Renderers.InvoiceList(c,
        [
            new InvoiceSummaryResponse("INV-carrier-tmo-202611", "carrier-tmo", "carrier-standard-v1", period, "partially_paid", "USD", "2330.80", 233_080, 1, "in_1QxYzAbCdEfGhIjKlMnOpQrS"),
            new InvoiceSummaryResponse("INV-tenant-lab-202611", "tenant-lab", "compute-standard-v1", period, "finalized", "USD", "1234567.89", 123_456_789, 4, null),
        ], "invoices for 2026-11"));

        AssertContainsAll(text, "INV-carrier-tmo-202611", "2,330.80 USD", "1,234,567.89 USD");
    }

    [Fact]
    public void Invoice_ComputeLinesAt80Columns_Fits()
    {
        var lines = new[] { "H100", "A100", "L40S", "RTX4090" }
            .Select(m => new InvoiceLineResponse("compute.gpu_seconds", $"GPU compute ({m})", new Dictionary<string, string> { ["gpuModel"] = m }, 123_456.123456m, "GPU-hour", "2.00", "246912.25"))
            .ToList();
        var invoice = new InvoiceResponse("INV-tenant-lab-202611", "tenant-lab", "compute-standard-v1", new InvoicePeriodRange("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"),
            "finalized", "USD", lines, null, null, null, null, "987649.00", 98_764_900, null, new InvoiceLedgerLinks("invoice-finalized:INV-tenant-lab-202611", "/api/v1/ledger/proof/x"));

        string text = Render(80, c => Renderers.Invoice(c, invoice));

        AssertContainsAll(text, "987,649.00 USD", "246,912.25", "GPU compute (RTX4090)");
    }

    [Fact]
    public void Usage_HotspotGroupsAt80Columns_FitsWithShortenedHotspots()
    {
        var rows = Enumerable.Range(1, 3).Select(d => new UsageRowResponse($"2026-11-0{d}T00:00:00Z", new Dictionary<string, string> { ["hotspot"] = Hotspot, ["rat"] = "wlan" }, 123_456_789_012m)).ToList();

        string text = Render(80, c => Renderers.Usage(c, new UsageQueryResponse("carrier-tmo", "offload.bytes", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "day", rows)));

        Assert.Contains("370,370,367,036", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_DeclaredDimensionValueWithBidiOverride_PrintedSpelledOut()
    {
        // Declared text refuses format characters since 2026-12; facts metered before may hold them.
        var rows = new List<UsageRowResponse> { new("2026-11-01T00:00:00Z", new Dictionary<string, string> { ["site"] = "\u202E0001$\u202C", ["zone"] = "\u2067a" }, 5m) };

        string text = Render(240, c => Renderers.Usage(c, new UsageQueryResponse("carrier-tmo", "site.visits", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "day", rows)));

        AssertContainsAll(text, "\\u202E0001$\\u202C", "\\u2067a");
        Assert.DoesNotContain('\u202E', text);
        Assert.DoesNotContain('\u2067', text);
    }

    [Fact]
    public void Usage_GroupValuesWithInvisibleFormatCharacters_PrintedSpelledOutSoLookAlikesDiffer()
    {
        // Zero-width space, word joiner, byte order mark, soft hyphen, Arabic letter mark, tag characters (beyond U+FFFF)
        // and a lone surrogate: each draws as nothing, so two groups would print alike.
        var rows = new List<UsageRowResponse>
        {
            new("2026-11-01T00:00:00Z", new Dictionary<string, string> { ["job"] = "job-\u200B7\u2060\uFEFF\u00AD\u061C" }, 1m),
            new("2026-11-01T00:00:00Z", new Dictionary<string, string> { ["job"] = "job-7\U000E0041\uD800" }, 1m),
        };

        string text = Render(240, c => Renderers.Usage(c, new UsageQueryResponse("carrier-tmo", "site.visits", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "day", rows)));

        AssertContainsAll(text, "job-\\u200B7\\u2060\\uFEFF\\u00AD\\u061C", "job-7\\U000E0041\\uD800");
        Assert.DoesNotContain("\U000E0041", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\u200B', text);
    }

    [Fact]
    public void Invoice_GroupValueWithBidiOverride_PrintedSpelledOut()
    {
        var line = new InvoiceLineResponse("site.visits", "Site visits", new Dictionary<string, string> { ["site"] = "\u202Eevil\u202C" }, 1m, "visit", "1.00", "1.00");
        var invoice = new InvoiceResponse("INV-carrier-tmo-202611", "carrier-tmo", "carrier-standard-v1", new InvoicePeriodRange("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"),
            "finalized", "USD", [line], null, null, null, null, "1.00", 100, null, new InvoiceLedgerLinks("invoice-finalized:INV-carrier-tmo-202611", "/api/v1/ledger/proof/x"));

        string text = Render(240, c => Renderers.Invoice(c, invoice));

        Assert.Contains("site=\\u202Eevil\\u202C", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\u202E', text);
    }

    private static InvoiceResponse Credited(IReadOnlyList<InvoiceCreditNoteView>? notes) =>
        new("INV-carrier-tmo-202611", "carrier-tmo", "carrier-standard-v1", new InvoicePeriodRange("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"), "paid", "USD",
            [new InvoiceLineResponse("offload.bytes", "Data offload", new Dictionary<string, string>(), 10_000_000m, "DC", "0.00001", "1000.00")],
            "600.00", 60_000, "0.00", 0, "1000.00", 100_000, "in_1", new InvoiceLedgerLinks("invoice-finalized:INV-carrier-tmo-202611", "/api/v1/ledger/proof/x"))
        {
            PrePaymentCredited = notes is null ? null : "400.00",
            PrePaymentCreditedMinor = notes is null ? null : 40_000,
            Credited = notes is null ? null : "450.00",
            CreditedMinor = notes is null ? null : 45_000,
            CreditNotes = notes,
        };

    // Before: the CLI showed the total alone, so "paid 600, nothing due" on a 1,000 invoice had no reason on screen.
    [Fact]
    public void Invoice_PrePaymentCreditAndCreditNotes_ShowsPaidCreditedRemainingAndEachNote()
    {
        var issued = new InvoiceCreditNoteView("cn_1Abc", "in_1", "evt_cn_1", "issued", true, null, "USD", "450.00", 45_000, 5_000, 0, 0, 40_000, "2026-12-02T10:00:00Z", null, null);
        var voided = issued with { Id = "cn_2Def", Amount = "1234.50", AmountMinor = 123_450, Status = "void", VoidedAt = "2026-12-03T10:00:00Z" };
        var unapplied = issued with { Id = "cn_3Ghi", Applied = false, Reason = "ExceedsInvoice", Amount = "9999.00", AmountMinor = 999_900 };

        _ = Render(80, c => Renderers.Invoice(c, Credited([issued, voided, unapplied]))); // fits a pipe
        string text = Render(200, c => Renderers.Invoice(c, Credited([issued, voided, unapplied])));

        AssertContainsAll(text, "total:", "1,000.00 USD", "paid:", "600.00 USD", "credited before payment:", "400.00 USD", "remaining:", "0.00 USD",
            "credited by credit notes:", "450.00 USD", "credit notes", "cn_1Abc", "2026-12-02T10:00:00Z", "400.00 USD off the amount due; 50.00 USD refunded",
            "cn_2Def", "1,234.50 USD", "void since 2026-12-03T10:00:00Z", "cn_3Ghi", "not applied (ExceedsInvoice)");
    }

    [Fact]
    public void Invoice_PaidWithoutCredits_ShowsPaidAndRemainingButNoCredit()
    {
        string text = Render(80, c => Renderers.Invoice(c, Credited(null)));

        AssertContainsAll(text, "paid:", "600.00 USD", "remaining:");
        Assert.DoesNotContain("credit", text, StringComparison.OrdinalIgnoreCase);
    }

    // A burn row's invoice id and a release's author are stored text: printed raw, a line feed in them printed a line of
    // output the platform never wrote, and an escape sequence drove the terminal.
    [Fact]
    public void Burns_InvoiceIdAndReleasedByWithLineFeedsAndEscapes_StayOnTheirLineSpelledOut()
    {
        var burn = Burn("INV-carrier-tmo-202611\nburns: all finalized") with
        {
            Status = "held",
            Signature = null,
            Marker = null,
            Reason = "held: refunded",
            Releases = [new("finance\u001B[2J\nreleased everything", DateTimeOffset.UnixEpoch, 100, 100, "ok")],
        };

        string text = Render(400, c => Renderers.Burns(c, [burn]));

        AssertContainsAll(text, "INV-carrier-tmo-202611\\u000Aburns: all finalized held: refunded", "by finance\\u001B[2J\\u000Areleased everything at");
        Assert.DoesNotContain('\u001B', text);
        Assert.DoesNotContain(text.Split('\n'), l => l.StartsWith("burns: all finalized", StringComparison.Ordinal) || l.StartsWith("released everything", StringComparison.Ordinal));
    }

    [Fact]
    public void Invoice_QuantityBelowAMillionth_PrintedAsTheInvoiceStatesIt()
    {
        // The rating engine keeps a tiny slice's first significant digit so no line shows quantity 0 beside its amount.
        var line = new InvoiceLineResponse("site.visits", "Site visits (tier 1)", new Dictionary<string, string>(), 0.0000001m, "visit", "1000000.00", "0.10");
        var invoice = new InvoiceResponse("INV-carrier-tmo-202611", "carrier-tmo", "carrier-standard-v1", new InvoicePeriodRange("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"),
            "finalized", "USD", [line], null, null, null, null, "0.10", 10, null, new InvoiceLedgerLinks("invoice-finalized:INV-carrier-tmo-202611", "/api/v1/ledger/proof/x"));

        string text = Render(240, c => Renderers.Invoice(c, invoice));

        Assert.Contains("0.0000001", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Balances_MinorAndBaseUnits_PrintMajorUnitsWithCurrencyAndTokenDecimals()
    {
        string text = Render(80, c => Renderers.Balances(c,
        [
            new LedgerBalance("receivable:carrier-tmo", "USD", "233080"),
            new LedgerBalance("revenue:usage", "USD", "-233080"),
            new LedgerBalance("tokens:burned", "TOKEN", "93232000000"),
        ], tokenDecimals: 8));

        AssertContainsAll(text, "2,330.80 USD", "-2,330.80 USD", "932.32000000 TOKEN");
        Assert.DoesNotContain("233080", text, StringComparison.Ordinal);
    }
}
