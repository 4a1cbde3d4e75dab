namespace Billing.Domain.Tests.Credits;

/// <summary>Which standing notes hold an invoice's burn, and what they credit before payment (docs/design.md §4.16).</summary>
public class InvoiceCreditsTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static CreditNoteEntry Note(string cn, long pre, long post, bool applied = true, bool voided = false) =>
        new(cn, "in_1", "USD", new CreditNoteAmounts(pre + post, pre, post, post, 0), applied, applied ? CreditNoteReason.None : CreditNoteReason.ExceedsPaid, At, "evt_" + cn)
        {
            VoidedBy = voided ? "evt_void_" + cn : null,
        };

    private static InvoiceCredits Of(params CreditNoteEntry[] notes) => new(notes.ToDictionary(n => n.CreditNoteId, StringComparer.Ordinal));

    [Fact]
    public void HoldsBurn_AppliedPrePaymentOnlyNote_DoesNotHoldAndCountsAsPrePaymentCredit()
    {
        var credits = Of(Note("cn_pre", 3_000, 0));

        Assert.Equal((false, 3_000L, true), (credits.HoldsBurn, credits.PrePaymentCreditedMinor, credits.HasPrePaymentCredit));
    }

    [Fact]
    public void HoldsBurn_NoteWithAPostPaymentPartOrUnapplied_Holds()
    {
        Assert.True(Of(Note("cn_mixed", 1_000, 500)).HoldsBurn);
        Assert.True(Of(Note("cn_refused", 3_000, 0, applied: false)).HoldsBurn);
        Assert.Equal(["cn_mixed"], Of(Note("cn_pre", 3_000, 0), Note("cn_mixed", 1_000, 500)).HoldingNotes.Select(n => n.CreditNoteId));
    }

    [Fact]
    public void PrePaymentCreditedMinor_VoidedNote_NotCountedButStillMarksTheInvoice()
    {
        var credits = Of(Note("cn_pre", 3_000, 0, voided: true));

        Assert.Equal((0L, true, false), (credits.PrePaymentCreditedMinor, credits.HasPrePaymentCredit, credits.HoldsBurn));
    }
}
