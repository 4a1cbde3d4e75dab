using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Billing.Payments.Tests;

/// <summary>
/// Stripe keeps test and live data apart, and a webhook endpoint belongs to one of them. An event of the other mode than the
/// API key's (a test-mode endpoint's secret configured on a live deployment: a test card's "payment" would burn real tokens)
/// is not this deployment's money: a payment is kept unapplied and reported, any other event is ignored.
/// </summary>
public sealed class StripeWebhookLivemodeTests
{
    private const string Secret = "whsec_test_livemode_secret";
    private static readonly DateTimeOffset Now = new(2026, 11, 3, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Handle_TestModePaymentUnderALiveKey_PaymentReceivedMarkedOtherMode()
    {
        var paid = Assert.IsType<WebhookOutcome.PaymentReceived>(Handle("sk_live_abc", PaidEvent()));

        Assert.Equal(("in_1Stripe", 137L), (paid.StripeInvoiceId, paid.AmountPaidMinor));
        Assert.Equal("the event is a test-mode event (livemode false) and the Stripe API key a live-mode key", paid.LivemodeMismatch);
    }

    [Fact]
    public void Handle_LiveModePaymentUnderATestKey_PaymentReceivedMarkedOtherMode()
    {
        var paid = Assert.IsType<WebhookOutcome.PaymentReceived>(Handle("rk_test_abc", Live(PaidEvent())));

        Assert.Equal("the event is a live-mode event (livemode true) and the Stripe API key a test-mode key", paid.LivemodeMismatch);
    }

    [Theory]
    [InlineData("sk_live_abc", true)]
    [InlineData("rk_live_abc", true)]
    [InlineData("sk_test_abc", false)]
    [InlineData("", false)] // no key (sync off, local runs): the mode is unknown, nothing to compare
    [InlineData("", true)]
    public void Handle_PaymentOfTheKeysModeOrNoKey_NotMarked(string secretKey, bool live)
    {
        string body = live ? Live(PaidEvent()) : PaidEvent();

        Assert.Null(Assert.IsType<WebhookOutcome.PaymentReceived>(Handle(secretKey, body)).LivemodeMismatch);
    }

    [Theory]
    [InlineData("\"livemode\": \"false\"")]
    [InlineData("\"livemode\": null")]
    public void Handle_ModeNotABooleanUnderAKnownKey_PaymentMarked(string livemode)
    {
        string body = PaidEvent().Replace("\"livemode\": false", livemode, StringComparison.Ordinal);

        var paid = Assert.IsType<WebhookOutcome.PaymentReceived>(Handle("sk_test_abc", body));

        Assert.Equal("the event does not say whether it is a live-mode or test-mode event (livemode is no boolean)", paid.LivemodeMismatch);
    }

    [Fact]
    public void Handle_TestModeRefundUnderALiveKey_IgnoredSayingWhy()
    {
        string body = StripeTestEvents.ChargeRefunded("evt_1Refund", "ch_1Charge", 500, 500, "usd", Now, "in_1Stripe");

        var ignored = Assert.IsType<WebhookOutcome.Ignored>(Handle("sk_live_abc", body));

        Assert.Equal(("evt_1Refund", "charge.refunded"), (ignored.EventId, ignored.EventType));
        Assert.Equal("Not this deployment's money: the event is a test-mode event (livemode false) and the Stripe API key a live-mode key.", ignored.Reason);
    }

    [Fact]
    public void Handle_LiveModeRefundUnderALiveKey_Read() =>
        Assert.IsType<WebhookOutcome.RefundReceived>(
            Handle("sk_live_abc", Live(StripeTestEvents.ChargeRefunded("evt_1Refund", "ch_1Charge", 500, 500, "usd", Now, "in_1Stripe"))));

    private static WebhookOutcome Handle(string secretKey, string body)
    {
        var options = new StripeOptions { WebhookSecret = Secret, SecretKey = secretKey };
        var handler = new StripeWebhookHandler(Options.Create(options), new FakeTimeProvider(Now), NullLogger<StripeWebhookHandler>.Instance);
        return handler.Handle(body, StripeWebhookSigner.Sign(body, Secret, Now));
    }

    private static string Live(string body)
    {
        string live = body.Replace("\"livemode\": false", "\"livemode\": true", StringComparison.Ordinal);
        Assert.NotEqual(body, live);
        return live;
    }

    private static string PaidEvent() =>
        StripeTestEvents.InvoicePaid("evt_1PaidOctober", "in_1Stripe", "INV-carrier-tmo-202610", 137, "usd", "cus_1Carrier", Now.AddMinutes(-1));
}
