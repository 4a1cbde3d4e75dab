namespace Billing.Domain.Tests.Ledger;

public class BurnReleaseEvidenceTests
{
    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

    private static BurnReleaseEvidence Evidence(int charges = 1) => new("burn-INV-x-202612", "INV-x-202612", 2, new BurnRelease("finance-ops", At, 10_000, 10_000, "kept the rest"),
        Enumerable.Range(0, charges).ToDictionary(i => $"ch_{i}", i => 100L + i, StringComparer.Ordinal), "the refund rows");

    private static LedgerEntry Booked(LedgerEntryDraft draft) => LedgerEntry.Seal("main", 1, new string('0', 64), draft);

    [Fact]
    public void ToDraft_Release_EvidenceWithoutPostingsUnderItsBurnAndOrdinal()
    {
        var draft = Evidence().ToDraft();

        Assert.Equal((LedgerEntryKind.BurnReleased, 0, "release:burn-INV-x-202612:2", At), (draft.Kind, draft.Postings.Count, draft.EntryId, draft.OccurredAt));
        Assert.True(LedgerValidation.IsEvidence(draft.Kind));
    }

    [Fact]
    public void From_BookedEntry_ReadsTheReleaseBackToTheTick()
    {
        var evidence = Evidence(charges: 3);

        var read = BurnReleaseEvidence.From(Booked(evidence.ToDraft()))!;

        Assert.Equal((evidence.BurnId, evidence.InvoiceId, evidence.Ordinal, evidence.Release, evidence.RefundedSeenIn), (read.BurnId, read.InvoiceId, read.Ordinal, read.Release, read.RefundedSeenIn));
        Assert.Equal(evidence.RefundedByCharge.OrderBy(kv => kv.Key, StringComparer.Ordinal), read.RefundedByCharge);
        Assert.True(read.Records(evidence.Release));
        Assert.False(read.Records(evidence.Release with { AmountMinor = 10_001 }));
        Assert.False(read.Records(evidence.Release with { At = At.AddTicks(1) }));
    }

    [Fact]
    public void From_CopyUnderAnotherOrdinal_CountsForNothing()
    {
        var draft = Evidence().ToDraft();
        var copy = new LedgerEntryDraft("release:burn-INV-x-202612:3", draft.Kind, draft.OccurredAt, [], draft.Metadata);

        Assert.Null(BurnReleaseEvidence.From(Booked(copy)));
    }

    [Fact]
    public void ToDraft_MoreChargesThanOneEntryRecords_Refused()
    {
        Assert.Throws<LedgerValidationException>(() => Evidence(charges: BurnReleaseEvidence.MaxCharges + 1).ToDraft());
        Assert.Equal(LedgerEntryKind.BurnReleased, Evidence(charges: BurnReleaseEvidence.MaxCharges).ToDraft().Kind);
    }
}
