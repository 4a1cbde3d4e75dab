namespace Billing.Domain.Tests.Payments;

/// <summary>What cash and pre-payment credit make of an invoice, and what its burn may convert (docs/design.md §4.16).</summary>
public class InvoiceSettlementTests
{
    [Theory]
    [InlineData(10_000, 7_000, 3_000, true, 0, 7_000)]   // Stripe's amount_paid after a 30.00 pre-payment note
    [InlineData(10_000, 5_000, 3_000, false, 2_000, 0)]  // genuinely short: nothing to burn yet
    [InlineData(10_000, 7_000, 0, false, 3_000, 0)]      // the note was voided: owes again
    [InlineData(10_000, 12_000, 3_000, true, 0, 7_000)]  // overpaid: the excess is a customer credit, never burned
    [InlineData(10_000, 0, 10_000, true, 0, 0)]          // credited in full: settled, nothing to burn
    [InlineData(10_000, 10_000, 0, true, 0, 10_000)]     // no credit: the total, as before
    public void BurnableMinor_CashAndPrePaymentCredit_NeverMoreThanReceivedNorTheCreditedPart(
        long total, long received, long prePayment, bool settled, long remaining, long burnable)
    {
        var s = new InvoiceSettlement(total, received, prePayment);

        Assert.Equal((settled, remaining, burnable), (s.Settled, s.RemainingMinor, s.BurnableMinor));
        Assert.True(s.BurnableMinor <= s.ReceivedMinor && s.BurnableMinor <= total - prePayment);
    }
}
