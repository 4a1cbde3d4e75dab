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

    [Fact]
    public void ToResponse_Mismatches_SayWhichFinanceMayAcknowledge()
    {
        var result = new ReconciliationResult(1, 1, 1, 1, [
            new AuditProblem("PaymentForUnknownInvoice", "evt_1", "payment of 1234 USD for INV-x-201701, which does not exist"),
            new AuditProblem("CreditNoteUnknownInvoice", "cn_1", "recorded unapplied"),
            new AuditProblem("BurnUnreadable", "burn-1", "unreadable"),
        ])
        { Pending = [new AuditProblem("LateUsagePending", "carrier-tmo 2026-10", "the next close bills it")] };

        var response = LedgerContract.ToResponse(result);

        // The console offers its Acknowledge action by this flag; the allow-list stays the domain's alone.
        Assert.Equal([true, true, false], response.Mismatches.Select(m => m.Acknowledgeable));
        Assert.Null(Assert.Single(response.Pending).Acknowledgeable);
        Assert.Equal(ReconcileAcknowledgement.DigestOf("unreadable"), response.Mismatches[2].DetailSha256);
    }

    [Fact]
    public void ToResponse_Verification_StallWindowInWholeSecondsRoundedUp()
    {
        var result = new LedgerAuditResult(0, 0, 0, []) { MaxChainSilence = TimeSpan.FromHours(6) + TimeSpan.FromMinutes(20) + TimeSpan.FromMilliseconds(1) };

        Assert.Equal(22801, LedgerContract.ToResponse(result).MaxChainSilenceSeconds);
    }
}
