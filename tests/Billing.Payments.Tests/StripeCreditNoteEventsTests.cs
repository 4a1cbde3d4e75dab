using Billing.Domain.Credits;
using Billing.StripeSimulator;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Billing.Payments.Tests;

/// <summary>Credit note events through the real handler: signed like Stripe signs them, read into their parts.</summary>
public sealed class StripeCreditNoteEventsTests
{
    private const string Secret = "whsec_test_credit_notes";
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);

    [Fact]
    public void Read_CreditNoteCreatedWithRefundAndOutOfBand_ReturnsEveryPartInMinorUnits()
    {
        string body = StripeTestEvents.CreditNote("evt_cn_1", "cn_1", "in_1Stripe", 3_000, "usd", Now.AddMinutes(-2), refundedMinor: 2_000, outOfBandMinor: 500);

        var note = Assert.IsType<WebhookOutcome.CreditNoteReceived>(Handle(body)).Note;

        Assert.Equal(new IncomingCreditNote("evt_cn_1", "cn_1", "in_1Stripe", false, "USD", 3_000, 0, 3_000, 2_000, 500, Now.AddMinutes(-2)), note);
        Assert.Equal(500, note.CustomerBalanceMinor);
    }

    [Fact]
    public void Read_CreditNoteVoided_MarksItVoidedAtTheVoidTime()
    {
        string body = StripeTestEvents.CreditNote("evt_cn_void", "cn_1", "in_1Stripe", 3_000, "usd", Now.AddMinutes(-1), voided: true);

        var note = Assert.IsType<WebhookOutcome.CreditNoteReceived>(Handle(body)).Note;

        Assert.Equal((true, "cn_1", 3_000L, Now.AddMinutes(-1)), (note.Voided, note.CreditNoteId, note.AmountMinor, note.At));
    }

    [Fact]
    public void Read_PrePaymentCreditNote_SplitsOffTheAmountDue()
    {
        string body = StripeTestEvents.CreditNote("evt_cn_pre", "cn_pre", "in_1Stripe", 1_000, "usd", Now, prePaymentMinor: 1_000);

        var note = Assert.IsType<WebhookOutcome.CreditNoteReceived>(Handle(body)).Note;

        Assert.Equal((1_000L, 0L, 0L), (note.PrePaymentMinor, note.PostPaymentMinor, note.RefundedMinor));
    }

    [Fact]
    public void Read_FractionalAmount_RecordsTheProblemWithZeroAmounts()
    {
        string body = StripeTestEvents.CreditNote("evt_cn_bad", "cn_bad", "in_1Stripe", 3_000, "usd", Now)
            .Replace("\"amount\": 3000", "\"amount\": 30.5", StringComparison.Ordinal);

        var note = Assert.IsType<WebhookOutcome.CreditNoteReceived>(Handle(body)).Note;

        Assert.Contains("amount 30.5 is not a non-negative integer", note.Problem, StringComparison.Ordinal);
        Assert.Equal(0, note.AmountMinor);
    }

    [Fact]
    public void Read_RefundNamedWithoutAmount_RecordsTheProblemInsteadOfGuessing()
    {
        string body = StripeTestEvents.CreditNote("evt_cn_old", "cn_old", "in_1Stripe", 3_000, "usd", Now)
            .Replace("\"refunds\": [", "\"refund\": \"re_old\", \"refunds_gone\": [", StringComparison.Ordinal);

        var note = Assert.IsType<WebhookOutcome.CreditNoteReceived>(Handle(body)).Note;

        Assert.Contains("refund re_old is named without its amount", note.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TamperedCreditNote_RejectedBySignature()
    {
        string body = StripeTestEvents.CreditNote("evt_cn_t", "cn_t", "in_1Stripe", 3_000, "usd", Now);
        string header = StripeWebhookSigner.Sign(body, Secret, Now);

        var outcome = Handler().Handle(body.Replace("\"amount\": 3000", "\"amount\": 300", StringComparison.Ordinal), header);

        Assert.Contains("signature", Assert.IsType<WebhookOutcome.Rejected>(outcome).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CreditNoteWithoutInvoice_Rejected()
    {
        string body = StripeTestEvents.CreditNote("evt_cn_n", "cn_n", "in_1Stripe", 3_000, "usd", Now)
            .Replace("\"invoice\": \"in_1Stripe\"", "\"invoice\": null", StringComparison.Ordinal);

        Assert.Contains("lacks an invoice", Assert.IsType<WebhookOutcome.Rejected>(Handle(body)).Reason, StringComparison.Ordinal);
    }

    private WebhookOutcome Handle(string body) => Handler().Handle(body, StripeWebhookSigner.Sign(body, Secret, Now));

    private StripeWebhookHandler Handler() =>
        new(Options.Create(new StripeOptions { WebhookSecret = Secret }), _time, NullLogger<StripeWebhookHandler>.Instance);
}
