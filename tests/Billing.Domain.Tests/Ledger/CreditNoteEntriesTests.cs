namespace Billing.Domain.Tests.Ledger;

public class CreditNoteEntriesTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static CreditNoteEntry Note() =>
        new("cn_1", "in_1", "USD", new CreditNoteAmounts(10_000, 1_000, 9_000, 6_000, 500), true, CreditNoteReason.None, At, "evt_1") { VoidedBy = "evt_2", VoidedAt = At.AddHours(1) };

    [Fact]
    public void Issued_MixedNote_DebitsContraRevenueAndCreditsEachPartExactly()
    {
        var draft = CreditNoteEntries.Issued(Note(), "INV-carrier-tmo-202610", "carrier-tmo", At)!;

        Assert.Equal("credit-note:cn_1", draft.EntryId);
        Assert.Equal(LedgerEntryKind.CreditNoteIssued, draft.Kind);
        Assert.Equal(
            [
                new Posting("revenue:credit-notes", "USD", 10_000),
                new Posting("receivable:carrier-tmo", "USD", -1_000),
                new Posting("clearing:refunds", "USD", -6_000), // the refund's own entry moves the cash
                new Posting("credit:carrier-tmo", "USD", -2_500),
                new Posting("cash:out-of-band", "USD", -500),
            ],
            draft.Postings);
    }

    [Fact]
    public void Voided_ReversesTheIssueUnderItsOwnId()
    {
        var issued = CreditNoteEntries.Issued(Note(), "INV-carrier-tmo-202610", "carrier-tmo", At)!;
        var voided = CreditNoteEntries.Voided(Note(), "INV-carrier-tmo-202610", "carrier-tmo", At)!;

        Assert.Equal(("credit-note-void:cn_1", "evt_2"), (voided.EntryId, voided.Metadata["stripeEventId"]));
        Assert.Equal(issued.Postings.Select(p => p with { Amount = -p.Amount }), voided.Postings);
    }

    [Fact]
    public void Issued_ZeroNote_BooksNothing() =>
        Assert.Null(CreditNoteEntries.Issued(Note() with { Amounts = CreditNoteAmounts.Zero }, "INV-carrier-tmo-202610", "carrier-tmo", At));
}
