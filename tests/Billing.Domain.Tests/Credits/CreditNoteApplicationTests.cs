namespace Billing.Domain.Tests.Credits;

public class CreditNoteApplicationTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static Invoice Invoice(long cents, Currency? currency = null, InvoiceStatus status = InvoiceStatus.Paid)
    {
        var c = currency ?? Currency.USD;
        var line = new InvoiceLine("offload.bytes", "Data offload", new Dictionary<string, string>(), 1, "DC", 0.01m, new Money(cents, c));
        var invoice = new Invoice(new InvoiceId("carrier-tmo", new BillingPeriod(2026, 10)), "carrier-standard-v1", InvoiceStatus.Draft, c, [line]).Finalize();
        return status == InvoiceStatus.Paid ? invoice.MarkPaid() : invoice;
    }

    private static IncomingCreditNote Note(long amount, string cn = "cn_1", string evt = "evt_1", bool voided = false, string currency = "USD", long pre = 0, long? refunded = null) =>
        new(evt, cn, "in_1", voided, currency, new CreditNoteAmounts(amount, pre, amount - pre, refunded ?? amount - pre, 0), At);

    [Fact]
    public void Decide_RefundWithinWhatWasPaid_AppliedAndBooked()
    {
        var d = CreditNoteApplication.Decide(Invoice(10_000), 10_000, InvoiceCredits.Empty, Note(3_000));

        Assert.Equal((PaymentResolution.Applied, CreditNoteReason.None, true, false), (d.Resolution, d.Reason, d.Book, d.BookVoid));
        Assert.Equal((3_000L, 3_000L, true), (d.State.CreditedMinor, d.State.PostPaymentCreditedMinor, d.State.HoldsBurn));
        Assert.Contains("30.00 USD credited (30.00 USD refunded", d.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_SecondNoteBeyondWhatWasPaid_UnappliedExceedsPaidButStillHoldsTheBurn()
    {
        var first = CreditNoteApplication.Decide(Invoice(10_000, status: InvoiceStatus.Finalized), 5_000, InvoiceCredits.Empty, Note(4_000));

        var d = CreditNoteApplication.Decide(Invoice(10_000, status: InvoiceStatus.Finalized), 5_000, first.State, Note(2_000, "cn_2", "evt_2"));

        Assert.Equal((PaymentResolution.Unapplied, CreditNoteReason.ExceedsPaid, false), (d.Resolution, d.Reason, d.Book));
        Assert.Contains("60.00 USD given back after payment in all, 50.00 USD was received", d.Detail, StringComparison.Ordinal);
        Assert.Equal(4_000, d.State.CreditedMinor);
        Assert.True(d.State.HoldsBurn);
    }

    [Fact]
    public void Decide_PostPaymentCreditOnUnpaidInvoice_UnappliedExceedsPaid()
    {
        var d = CreditNoteApplication.Decide(Invoice(10_000, status: InvoiceStatus.Finalized), 0, InvoiceCredits.Empty, Note(1_000));

        Assert.Equal(CreditNoteReason.ExceedsPaid, d.Reason);
    }

    [Fact]
    public void Decide_PrePaymentCreditOnUnpaidInvoice_AppliedOffTheAmountDue()
    {
        var d = CreditNoteApplication.Decide(Invoice(10_000, status: InvoiceStatus.Finalized), 0, InvoiceCredits.Empty, Note(1_000, pre: 1_000));

        Assert.Equal((PaymentResolution.Applied, 1_000L, 0L), (d.Resolution, d.State.CreditedMinor, d.State.PostPaymentCreditedMinor));
    }

    [Fact]
    public void Decide_MoreThanTheInvoiceTotal_UnappliedExceedsInvoice()
    {
        var d = CreditNoteApplication.Decide(Invoice(10_000), 20_000, InvoiceCredits.Empty, Note(10_001));

        Assert.Equal(CreditNoteReason.ExceedsInvoice, d.Reason);
    }

    [Theory]
    [InlineData("EUR", CreditNoteReason.CurrencyMismatch)]
    [InlineData("XYZ", CreditNoteReason.UnknownCurrency)]
    public void Decide_OtherCurrency_Unapplied(string currency, CreditNoteReason reason)
    {
        var d = CreditNoteApplication.Decide(Invoice(10_000), 10_000, InvoiceCredits.Empty, Note(1_000, currency: currency));

        Assert.Equal((PaymentResolution.Unapplied, reason, false), (d.Resolution, d.Reason, d.Book));
    }

    [Fact]
    public void Decide_UnknownInvoice_UnappliedUnknownInvoice() =>
        Assert.Equal(CreditNoteReason.UnknownInvoice, CreditNoteApplication.Decide(null, 0, InvoiceCredits.Empty, Note(1_000)).Reason);

    [Fact]
    public void Decide_PartsThatDoNotAddUp_UnappliedMalformed() =>
        Assert.Equal(CreditNoteReason.MalformedAmount, CreditNoteApplication.Decide(Invoice(10_000), 10_000, InvoiceCredits.Empty, Note(1_000, refunded: 1_500)).Reason);

    [Fact]
    public void Decide_VoidOfAppliedNote_BooksTheReversalAndReleasesTheBurn()
    {
        var issued = CreditNoteApplication.Decide(Invoice(10_000), 10_000, InvoiceCredits.Empty, Note(3_000));

        var d = CreditNoteApplication.Decide(Invoice(10_000), 10_000, issued.State, Note(3_000, evt: "evt_void", voided: true));

        Assert.Equal((PaymentResolution.Applied, false, true), (d.Resolution, d.Book, d.BookVoid));
        Assert.Equal(("evt_void", 0L, false), (d.Note.VoidedBy, d.State.CreditedMinor, d.State.HoldsBurn));
    }

    [Fact]
    public void Decide_VoidBeforeItsNote_BooksIssueAndReversalThenTheNoteChangesNothing()
    {
        var voided = CreditNoteApplication.Decide(Invoice(10_000), 10_000, InvoiceCredits.Empty, Note(3_000, evt: "evt_void", voided: true));
        var late = CreditNoteApplication.Decide(Invoice(10_000), 10_000, voided.State, Note(3_000, evt: "evt_created"));

        Assert.Equal((true, true, false), (voided.Book, voided.BookVoid, voided.State.HoldsBurn));
        Assert.Equal((PaymentResolution.Unchanged, false, false), (late.Resolution, late.Book, late.BookVoid));
    }

    [Fact]
    public void Decide_SameNoteUnderAnotherEventId_Unchanged()
    {
        var first = CreditNoteApplication.Decide(Invoice(10_000), 10_000, InvoiceCredits.Empty, Note(3_000));

        var again = CreditNoteApplication.Decide(Invoice(10_000), 10_000, first.State, Note(3_000, evt: "evt_other"));

        Assert.Equal((PaymentResolution.Unchanged, false, 3_000L), (again.Resolution, again.Book, again.State.CreditedMinor));
    }
}
