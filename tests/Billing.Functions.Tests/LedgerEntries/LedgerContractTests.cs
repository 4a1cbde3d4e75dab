using Billing.Functions.LedgerEntriesHttp;

namespace Billing.Functions.Tests.LedgerEntriesHttp;

/// <summary>The API's entry record must stay the domain's hashed JSON, field for field, or auditors cannot recompute hashes.</summary>
public sealed class LedgerContractTests
{
    private static LedgerEntry Entry() =>
        new LedgerEntry(LedgerEntries.MainBook, 7, "invoice:INV-carrier-tmo-202610", LedgerEntryKind.InvoiceFinalized,
            new DateTimeOffset(2026, 10, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(1234567),
            [new Posting("receivable:carrier-tmo", "USD", 12_345), new Posting("revenue", "USD", -12_345)],
            new Dictionary<string, string> { ["payer"] = "carrier-tmo", ["note"] = "é → \"quoted\" <b>" },
            new string('0', 64), new string('a', 64));

    [Fact]
    public void ToView_AnyEntry_SerializesExactlyAsTheHashedJson()
    {
        var entry = Entry();

        string view = JsonSerializer.Serialize(LedgerContract.ToView(entry), BillingJsonContext.Default.LedgerEntryView);

        Assert.Equal(LedgerEntryJson.ToJson(entry).ToJsonString(), view);
    }

    [Fact]
    public void ToView_WithRecordedAt_AppendsItLast()
    {
        var entry = Entry();
        var recordedAt = new DateTimeOffset(2026, 11, 1, 0, 0, 1, TimeSpan.Zero);

        string view = JsonSerializer.Serialize(LedgerContract.ToView(entry, recordedAt), BillingJsonContext.Default.LedgerEntryView);

        var expected = LedgerEntryJson.ToJson(entry);
        expected["recordedAt"] = recordedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected.ToJsonString(), view);
    }
}
