using Billing.Domain.Credits;

namespace Billing.Payments.Tests;

/// <summary>Money going back through the real handler, signed like Stripe signs it: credit note events read into their parts, and <c>charge.refunded</c>.</summary>
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
    [InlineData("\"amount\": 3000", "\"amount\": 1000000000001", "amount 1000000000001 is more than any credit note")] // stored, its invoice's notes would not add up
    [InlineData("\"amount_refunded\": 3000", "\"amount_refunded\": 600000000000}, {\"amount_refunded\": 600000000000", "refunds add up to 1200000000000, more than any credit note")]
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

    // charge.refunded: what Stripe returned on a charge, by a credit note or otherwise, for reconcile.
    [Fact]
    public void Read_ChargeRefundedNamingInvoiceAndIntent_ReturnsTheCumulativeAmountAndTheLinks()
    {
        string body = StripeTestEvents.ChargeRefunded("evt_re_1", "ch_1", 2_353, 800, "usd", Now.AddMinutes(-1), "in_1Stripe", "pi_1");

        var refund = Assert.IsType<WebhookOutcome.RefundReceived>(_webhooks.Handle(body)).Refund;

        Assert.Equal(new IncomingRefund("evt_re_1", "ch_1", "pi_1", "in_1Stripe", "cus_ch_1", 800, "USD", Now.AddMinutes(-1)), refund);
    }

    [Fact]
    public void Read_ChargeNamingNeitherInvoiceNorIntent_StillReadForReconcile()
    {
        string body = StripeTestEvents.ChargeRefunded("evt_re_2", "ch_2", 1_000, 1_000, "eur", Now);

        var refund = Assert.IsType<WebhookOutcome.RefundReceived>(_webhooks.Handle(body)).Refund;

        Assert.Equal((null, null, 1_000L, "EUR"), (refund.StripeInvoiceId, refund.PaymentIntentId, refund.AmountRefundedMinor, refund.Currency));
    }

    [Theory]
    [InlineData("\"amount_refunded\": 800", "\"amount_refunded\": 8.5", "amount_refunded 8.5 is not a non-negative integer")]
    [InlineData("\"amount_refunded\": 800", "\"amount_refunded\": -800", "amount_refunded -800 is not a non-negative integer")]
    [InlineData("\"amount_refunded\": 800,", "", "amount_refunded is missing")]
    [InlineData("\"amount_refunded\": 800", "\"amount_refunded\": 1000000000001", "amount_refunded 1000000000001 is more than any charge")]
    public void Read_AmountNotKnowable_RecordsTheProblemWithZero(string written, string replacement, string problem)
    {
        string body = StripeTestEvents.ChargeRefunded("evt_re_bad", "ch_bad", 2_353, 800, "usd", Now, "in_1Stripe")
            .Replace(written, replacement, StringComparison.Ordinal);

        var refund = Assert.IsType<WebhookOutcome.RefundReceived>(_webhooks.Handle(body)).Refund;

        Assert.Contains(problem, refund.Problem, StringComparison.Ordinal);
        Assert.Equal(0, refund.AmountRefundedMinor);
    }

    [Fact]
    public void Read_ChargeRefundedWithoutACharge_IsRejected()
    {
        string body = StripeTestEvents.ChargeRefunded("evt_re_3", "ch_3", 100, 100, "usd", Now)
            .Replace("\"object\": \"charge\"", "\"object\": \"refund\"", StringComparison.Ordinal);

        Assert.Contains("does not carry a charge object", Assert.IsType<WebhookOutcome.Rejected>(_webhooks.Handle(body)).Reason, StringComparison.Ordinal);
    }
}
