namespace Billing.Application.Tests.Payments;

/// <summary>What an invoice of 100.00 USD kept: the most a released burn may convert.</summary>
public class InvoiceKeptTests
{
    private static CreditNoteEntry Note(long amount, long pre, long refunded, long outOfBand, bool applied = true, bool voided = false) =>
        new("cn_" + Guid.NewGuid().ToString("N")[..8], "in_x", "USD", new CreditNoteAmounts(amount, pre, amount - pre, refunded, outOfBand), applied,
            applied ? CreditNoteReason.None : CreditNoteReason.ExceedsPaid, DateTimeOffset.UtcNow, "evt_x")
        {
            VoidedBy = voided ? "evt_void" : null,
        };

    private static InvoiceCredits Credits(params CreditNoteEntry[] notes) => new(notes.ToDictionary(n => n.CreditNoteId, StringComparer.Ordinal));

    private static RefundRecord Refund(long minor) => new("ch_" + Guid.NewGuid().ToString("N")[..8], "INV-x", minor, "USD", null, null, null, "evt_r", DateTimeOffset.UtcNow);

    [Theory]
    [InlineData(10_000, 10_000)] // paid in full, nothing went back
    [InlineData(15_000, 10_000)] // overpaid: the excess is the payer's credit, not kept revenue
    [InlineData(4_000, 4_000)]   // partly paid
    public void Of_Cash_KeptUpToWhatWasDue(long received, long kept) =>
        Assert.Equal(kept, InvoiceKept.Of(10_000, received, InvoiceCredits.Empty, [], "USD"));

    [Fact]
    public void Of_RefundsByNotesAndByStripe_TheLargerCountsOnce() =>
        Assert.Equal(6_000, InvoiceKept.Of(10_000, 10_000, Credits(Note(3_000, 0, 3_000, 0)), [Refund(4_000)], "USD"));

    private static DisputeRecord Dispute(string status, long minor, string currency = "USD") =>
        new("du_" + Guid.NewGuid().ToString("N")[..8], "ch_d", "pi_d", "INV-x", minor, currency, status, "fraudulent", "evt_d", "charge.dispute.closed", DateTimeOffset.UtcNow);

    // Before: a lost dispute's cash counted as kept, and finance could release a burn of it.
    [Fact]
    public void Of_LostDisputes_GoBackBesideRefunds_OpenWonAndOtherCurrenciesDoNot() =>
        Assert.Equal(3_000, InvoiceKept.Of(10_000, 10_000, Credits(Note(3_000, 0, 3_000, 0)), [Refund(4_000)], "USD",
            [Dispute("lost", 3_000), Dispute("needs_response", 1_000), Dispute("won", 1_000), Dispute("lost", 500, "EUR")]));

    [Fact]
    public void Of_OutOfBandAndCustomerBalance_GoBackToo_VoidedRefundsStillCount()
    {
        // 2,000 out of band and 1,000 to the customer's balance; a voided note's 500 refund did not come back.
        var credits = Credits(Note(3_000, 0, 0, 2_000), Note(500, 0, 500, 0, voided: true));

        Assert.Equal(6_500, InvoiceKept.Of(10_000, 10_000, credits, [], "USD"));
    }

    [Fact]
    public void Of_PrePaymentNote_OnlyTheCashDueCounts() =>
        Assert.Equal(8_000, InvoiceKept.Of(10_000, 10_000, Credits(Note(2_000, 2_000, 0, 0)), [], "USD")); // 2,000 off the amount due: 8,000 was due

    [Fact]
    public void Of_NoteRecordedUnapplied_ItsWholeAmountCountsAsGoneBack() =>
        Assert.Equal(7_000, InvoiceKept.Of(10_000, 10_000, Credits(Note(3_000, 0, 0, 0, applied: false)), [], "USD"));

    // Before, an unapplied note's refund counted twice: in the notes' refunds and again in its whole amount (6,000 for a
    // 2,000 refund delivered before the payment).
    [Theory]
    [InlineData(2_000, 2_000, 0, 8_000)]     // refunded in full, recorded unapplied (it came before the payment)
    [InlineData(2_000, 2_000, 2_000, 8_000)] // the same refund seen on the charge too
    [InlineData(3_000, 1_000, 0, 7_000)]     // 1,000 refunded, the rest returned otherwise
    [InlineData(1_000, 5_000, 0, 5_000)]     // amounts that do not add up: the larger goes back
    public void Of_NoteRecordedUnapplied_ItsRefundCountsOnce(long amount, long refunded, long charged, long kept) =>
        Assert.Equal(kept, InvoiceKept.Of(10_000, 10_000, Credits(Note(amount, 0, refunded, 0, applied: false)), charged > 0 ? [Refund(charged)] : [], "USD"));
}
