using Billing.Domain.Credits;
using Billing.StripeSimulator;

namespace Billing.Payments.Tests;

/// <summary>Credit note events through the real handler: signed like Stripe signs them, read into their parts.</summary>
public sealed class StripeCreditNoteEventsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private readonly StripeWebhookHarness _webhooks = new("whsec_test_credit_notes", Now);

    [Fact]
    public void Read_CreditNoteCreatedWithRefundAndOutOfBand_ReturnsEveryPartInMinorUnits()
    {
        string body = StripeTestEvents.CreditNote("evt_cn_1", "cn_1", "in_1Stripe", 3_000, "usd", Now.AddMinutes(-2), refundedMinor: 2_000, outOfBandMinor: 500);

        var note = Assert.IsType<WebhookOutcome.CreditNoteReceived>(_webhooks.Handle(body)).Note;

        Assert.Equal(new IncomingCreditNote("evt_cn_1", "cn_1", "in_1Stripe", false, "USD", new CreditNoteAmounts(3_000, 0, 3_000, 2_000, 500), Now.AddMinutes(-2)), note);
        Assert.Equal(500, note.Amounts.CustomerBalanceMinor);
    }

    [Fact]
    public void Read_CreditNoteVoided_MarksItVoidedAtTheVoidTime()
    {
        string body = StripeTestEvents.CreditNote("evt_cn_void", "cn_1", "in_1Stripe", 3_000, "usd", Now.AddMinutes(-1), voided: true);

        var note = Assert.IsType<WebhookOutcome.CreditNoteReceived>(_webhooks.Handle(body)).Note;

        Assert.Equal((true, "cn_1", 3_000L, Now.AddMinutes(-1)), (note.Voided, note.CreditNoteId, note.Amounts.AmountMinor, note.At));
    }

    [Fact]
    public void Read_PrePaymentCreditNote_SplitsOffTheAmountDue()
    {
        string body = StripeTestEvents.CreditNote("evt_cn_pre", "cn_pre", "in_1Stripe", 1_000, "usd", Now, prePaymentMinor: 1_000);

        var note = Assert.IsType<WebhookOutcome.CreditNoteReceived>(_webhooks.Handle(body)).Note;

        Assert.Equal((1_000L, 0L, 0L), (note.Amounts.PrePaymentMinor, note.Amounts.PostPaymentMinor, note.Amounts.RefundedMinor));
    }

    // A fractional amount, or a refund named without its amount (an older API version): the note's amounts cannot be
    // known, so the problem is recorded and every amount is zero rather than guessed.
    [Theory]
    [InlineData("\"amount\": 3000", "\"amount\": 30.5", "amount 30.5 is not a non-negative integer")]
    [InlineData("\"refunds\": [", "\"refund\": \"re_old\", \"refunds_gone\": [", "refund re_old is named without its amount")]
    public void Read_AmountNotKnowable_RecordsTheProblemWithZeroAmounts(string written, string replacement, string problem)
    {
        string body = StripeTestEvents.CreditNote("evt_cn_bad", "cn_bad", "in_1Stripe", 3_000, "usd", Now)
            .Replace(written, replacement, StringComparison.Ordinal);

        var note = Assert.IsType<WebhookOutcome.CreditNoteReceived>(_webhooks.Handle(body)).Note;

        Assert.Contains(problem, note.Problem, StringComparison.Ordinal);
        Assert.Equal((0L, 0L), (note.Amounts.AmountMinor, note.Amounts.RefundedMinor));
    }

    [Fact]
    public void Read_TamperedCreditNote_RejectedBySignature()
    {
        string body = StripeTestEvents.CreditNote("evt_cn_t", "cn_t", "in_1Stripe", 3_000, "usd", Now);
        string header = _webhooks.SignedNow(body);

        var outcome = _webhooks.Handler().Handle(body.Replace("\"amount\": 3000", "\"amount\": 300", StringComparison.Ordinal), header);

        Assert.Contains("signature", Assert.IsType<WebhookOutcome.Rejected>(outcome).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CreditNoteWithoutInvoice_Rejected()
    {
        string body = StripeTestEvents.CreditNote("evt_cn_n", "cn_n", "in_1Stripe", 3_000, "usd", Now)
            .Replace("\"invoice\": \"in_1Stripe\"", "\"invoice\": null", StringComparison.Ordinal);

        Assert.Contains("lacks an invoice", Assert.IsType<WebhookOutcome.Rejected>(_webhooks.Handle(body)).Reason, StringComparison.Ordinal);
    }
}
