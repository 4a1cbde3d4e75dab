namespace Billing.Domain.Tests.Ledger;

public class PartnerAuditPinsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 0, 5, 0, TimeSpan.Zero);

    private static PartnerAuditPin Pin(long count) => new(count, new string((char)('a' + (int)(count % 6)), 64));

    [Fact]
    public void Drafts_SamePinsInAnyOrder_SameIdsAndNoPostings()
    {
        (string, PartnerAuditPin)[] pins = [("provider b", Pin(2)), ("finance", Pin(1)), ("carrier-x", Pin(5))];

        var one = Assert.Single(PartnerAuditPins.Drafts(pins, At));
        var again = Assert.Single(PartnerAuditPins.Drafts(pins.Reverse(), At.AddHours(1)));

        Assert.Equal(one.EntryId, again.EntryId);
        Assert.True(PartnerAuditPins.IsId(one.EntryId));
        Assert.False(PartnerAuditPins.IsId(PartnerAuditPins.IdPrefix + "x"));
        Assert.Equal(LedgerEntryKind.PartnerAuditPinned, one.Kind);
        Assert.Empty(one.Postings);
        Assert.Equal([("carrier-x", Pin(5)), ("finance", Pin(1)), ("provider b", Pin(2))],
            PartnerAuditPins.Read(one.Metadata).Select(r => (r.PartnerId!, r.Pin!)));
        Assert.NotEqual(one.EntryId, Assert.Single(PartnerAuditPins.Drafts([("finance", Pin(1))], At)).EntryId);
    }

    [Fact]
    public void Drafts_MorePartnersThanAnEntryHolds_SplitsThem()
    {
        var pins = Enumerable.Range(0, PartnerAuditPins.MaxPerEntry + 1).Select(i => ($"p{i:D3}", Pin(i + 1)));

        var drafts = PartnerAuditPins.Drafts(pins, At);

        Assert.Equal([PartnerAuditPins.MaxPerEntry, 1], drafts.Select(d => PartnerAuditPins.Read(d.Metadata).Count));
    }

    [Fact]
    public void Drafts_UnpinnableOrRepeatedPartner_Throws()
    {
        Assert.Throws<ArgumentException>(() => PartnerAuditPins.Drafts([("bad\ud800", Pin(1))], At));
        Assert.Throws<ArgumentException>(() => PartnerAuditPins.Drafts([("twice", Pin(1)), ("twice", Pin(2))], At));
    }

    [Fact]
    public void Read_ValueNamingNoPartnerOrNoPin_ReportsWhatItCan()
    {
        var read = PartnerAuditPins.Read(new Dictionary<string, string> { ["auditPin.00"] = "x y provider", ["auditPin.01"] = "3", ["payer"] = "p" });

        Assert.Equal([("auditPin.00", "provider", null), ("auditPin.01", null, null)], read.Select(r => (r.Key, r.PartnerId, r.Pin)));
    }

    [Fact]
    public void Constructor_EvidenceWithPostingsOrMoneyWithout_Refused()
    {
        Assert.Throws<LedgerValidationException>(() => new LedgerEntryDraft("e", LedgerEntryKind.PartnerAuditPinned, At,
            [Posting.Debit("a:1", "USD", 1), Posting.Credit("a:2", "USD", 1)]));
        Assert.Throws<LedgerValidationException>(() => new LedgerEntryDraft("m", LedgerEntryKind.Adjustment, At, []));
    }

    [Fact]
    public void Verify_EvidenceEntryInTheChainAndThroughItsJson_NoProblem()
    {
        var evidence = LedgerEntry.Seal(LedgerEntries.MainBook, 1, LedgerEntry.GenesisHash, Assert.Single(PartnerAuditPins.Drafts([("finance", Pin(1))], At)));
        var money = LedgerEntry.Seal(LedgerEntries.MainBook, 1, LedgerEntry.GenesisHash, new LedgerEntryDraft("e", LedgerEntryKind.Adjustment, At,
            [Posting.Debit("a:1", "USD", 1), Posting.Credit("a:2", "USD", 1)]));
        using var json = JsonDocument.Parse(LedgerEntryJson.ToJson(evidence).ToJsonString());

        Assert.Empty(HashChain.Verify([evidence]));
        Assert.Empty(HashChain.Verify([LedgerEntryJson.FromJson(json.RootElement)])); // what an independent verifier reads
        Assert.True(PartnerAuditPins.IsEvidence(evidence));
        Assert.False(PartnerAuditPins.IsEvidence(money));
    }
}
