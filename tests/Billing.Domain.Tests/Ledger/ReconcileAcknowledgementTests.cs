namespace Billing.Domain.Tests.Ledger;

public class ReconcileAcknowledgementTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    private static ReconcileAcknowledgement Acknowledgement(string detail = "cn_1 credited 5.00 USD after burn b_1") =>
        new("CreditNoteAfterBurn", "cn_1", ReconcileAcknowledgement.DigestOf(detail), "settled by bank transfer", "finance", At);

    private static LedgerEntry Booked(LedgerEntryDraft draft) => LedgerEntry.Seal("main", 1, new string('0', 64), draft);

    [Fact]
    public void ToDraft_Acknowledgement_EvidenceWithoutPostingsUnderItsFindingsId()
    {
        var draft = Acknowledgement().ToDraft();

        Assert.Equal((LedgerEntryKind.ReconcileAcknowledged, 0), (draft.Kind, draft.Postings.Count));
        Assert.Equal(Acknowledgement().EntryId, draft.EntryId);
        Assert.StartsWith(ReconcileAcknowledgement.IdPrefix, draft.EntryId, StringComparison.Ordinal);
    }

    [Fact]
    public void Id_OtherDetail_OtherId()
    {
        Assert.NotEqual(Acknowledgement("5.00 USD").EntryId, Acknowledgement("6.00 USD").EntryId);
        // Length-prefixed: moving characters between kind and subject is another finding.
        Assert.NotEqual(ReconcileAcknowledgement.Id("ab", "c", new string('0', 64)), ReconcileAcknowledgement.Id("a", "bc", new string('0', 64)));
    }

    [Fact]
    public void From_BookedEntry_ReadsTheAcknowledgementBack()
    {
        var acknowledgement = Acknowledgement();

        Assert.Equal(acknowledgement, ReconcileAcknowledgement.From(Booked(acknowledgement.ToDraft())));
    }

    [Fact]
    public void From_CopyUnderAnotherId_CountsForNothing()
    {
        var draft = Acknowledgement().ToDraft();
        var copy = new LedgerEntryDraft(ReconcileAcknowledgement.IdPrefix + new string('a', 64), draft.Kind, draft.OccurredAt, [], draft.Metadata);

        Assert.Null(ReconcileAcknowledgement.From(Booked(copy)));
    }

    [Fact]
    public void Draft_EvidenceWithPostings_Refused()
    {
        var postings = new[] { new Posting("cash:stripe", "USD", 1), new Posting("receivable:x", "USD", -1) };

        var e = Assert.Throws<LedgerValidationException>(() => new LedgerEntryDraft("reconcile-ack:x", LedgerEntryKind.ReconcileAcknowledged, At, postings));

        Assert.Contains("is evidence and moves no money", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CreditNoteAfterBurn", true)]
    [InlineData("PaymentCustomerMismatch", true)]
    [InlineData("RefundWithoutCreditNote", true)]
    [InlineData("InvoiceUnreadable", false)]
    [InlineData("LedgerEntryUnreadable", false)]
    [InlineData("PaymentNotSettled", false)]
    [InlineData("BurnStuck", false)]
    [InlineData("BurnBookedWrongAmount", false)]
    [InlineData("InvoiceNotBooked", false)]
    [InlineData("CreditNoteNotBooked", false)]
    [InlineData("BurnAmountMismatch", false)]
    [InlineData("BurnHeldForCredit", false)]
    [InlineData("CreditNoteExceedsPaid", true)]
    [InlineData("CreditNoteNone", false)]
    [InlineData("", false)]
    public void CanAcknowledge_Kind_OnlyWhatIsSettledOutside(string kind, bool expected) =>
        Assert.Equal(expected, ReconcileAcknowledgement.CanAcknowledge(kind));

    [Theory]
    [InlineData("0123456789ab", true)]
    [InlineData("01234567", true)]
    [InlineData("0123456", false)]
    [InlineData("0123456789AB", false)]
    [InlineData("0123456789ag", false)]
    [InlineData(null, false)]
    public void IsDigestPrefix_Text_EightToSixtyFourLowerHexDigits(string? prefix, bool expected) =>
        Assert.Equal(expected, ReconcileAcknowledgement.IsDigestPrefix(prefix));
}
