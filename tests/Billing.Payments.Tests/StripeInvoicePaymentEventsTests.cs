using Billing.Domain.Payments;

namespace Billing.Payments.Tests;

/// <summary><c>invoice_payment.paid</c> through the real handler, signed like Stripe signs it: which payment paid which Stripe invoice.</summary>
public sealed class StripeInvoicePaymentEventsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private readonly StripeWebhookHarness _webhooks = new("whsec_test_invoice_payments", Now);

    /// <summary>What the handler makes of the simulator's event for <c>in_{n}Stripe</c> paid by <c>pi_{n}</c>, with <paramref name="written"/> (which must be in it) replaced.</summary>
    private WebhookOutcome HandleEdited(int n, string written, string replacement)
    {
        string body = StripeTestEvents.InvoicePaymentPaid($"evt_ip_{n}", $"inpay_{n}", $"in_{n}Stripe", 100, "usd", Now, $"pi_{n}");
        Assert.Contains(written, body, StringComparison.Ordinal);
        return _webhooks.Handle(body.Replace(written, replacement, StringComparison.Ordinal));
    }

    [Fact]
    public void Handle_PaidByAPaymentIntent_ReturnsTheLink()
    {
        string body = StripeTestEvents.InvoicePaymentPaid("evt_ip_1", "inpay_1", "in_1Stripe", 2_353, "usd", Now.AddMinutes(-1), "pi_1");

        var link = Assert.IsType<WebhookOutcome.InvoicePaymentReceived>(_webhooks.Handle(body)).Link;

        Assert.Equal(new InvoicePaymentLink("evt_ip_1", "inpay_1", "in_1Stripe", "pi_1", Now.AddMinutes(-1)), link);
    }

    [Fact]
    public void Handle_PaidByAChargeWithoutPaymentIntent_LinksTheCharge()
    {
        string body = StripeTestEvents.InvoicePaymentPaid("evt_ip_2", "inpay_2", "in_2Stripe", 500, "eur", Now, paymentIntentId: null, chargeId: "ch_2");

        Assert.Equal("ch_2", Assert.IsType<WebhookOutcome.InvoicePaymentReceived>(_webhooks.Handle(body)).Link.PaymentId);
    }

    // Some preview API versions put payment_intent and charge on the invoice payment itself; the invoice may be expanded.
    [Theory]
    [InlineData("\"payment\": {\n        \"type\": \"payment_intent\",\n        \"payment_intent\": \"pi_3\"\n      }", "\"payment_intent\": \"pi_3\", \"charge\": null", "pi_3")]
    [InlineData("\"payment\": {\n        \"type\": \"payment_intent\",\n        \"payment_intent\": \"pi_3\"\n      }", "\"payment\": {\"type\": \"payment_intent\", \"payment_intent\": {\"id\": \"pi_3x\", \"object\": \"payment_intent\"}}", "pi_3x")]
    public void Handle_OtherShapesOfThePayment_ReadTheSame(string written, string replacement, string paymentId)
    {
        var link = Assert.IsType<WebhookOutcome.InvoicePaymentReceived>(HandleEdited(3, written, replacement)).Link;

        Assert.Equal(("in_3Stripe", paymentId), (link.StripeInvoiceId, link.PaymentId));
    }

    [Fact]
    public void Handle_ExpandedInvoice_ReadsItsId()
    {
        var outcome = HandleEdited(4, "\"invoice\": \"in_4Stripe\"", "\"invoice\": {\"id\": \"in_4Stripe\", \"object\": \"invoice\"}");

        Assert.Equal("in_4Stripe", Assert.IsType<WebhookOutcome.InvoicePaymentReceived>(outcome).Link.StripeInvoiceId);
    }

    [Fact]
    public void Handle_PaidOutsideStripe_IsIgnored()
    {
        var ignored = Assert.IsType<WebhookOutcome.Ignored>(HandleEdited(5, "\"type\": \"payment_intent\",\n        \"payment_intent\": \"pi_5\"", "\"type\": \"payment_record\",\n        \"payment_record\": \"prec_5\""));

        Assert.Equal(("evt_ip_5", "invoice_payment.paid"), (ignored.EventId, ignored.EventType));
        Assert.Contains("paid by neither a payment intent nor a charge", ignored.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Handle_NoInvoicePayment_IsRejected()
    {
        var rejected = Assert.IsType<WebhookOutcome.Rejected>(HandleEdited(6, "\"object\": \"invoice_payment\"", "\"object\": \"invoice\""));

        Assert.Contains("does not carry an invoice_payment object", rejected.Reason, StringComparison.Ordinal);
    }

    // Authentic but nothing to link (no invoice, or ids longer than any Stripe makes, which no table key could hold):
    // answered 200, so Stripe does not retry what a retry cannot mend.
    [Theory]
    [InlineData("\"invoice\": \"in_7Stripe\"", "\"invoice\": null", "names no invoice")]
    [InlineData("\"invoice\": \"in_7Stripe\"", "\"invoice\": \"in_{256}\"", "names no invoice")]
    [InlineData("\"invoice\": \"in_7Stripe\"", "\"invoice\": \"in_7/Stripe\"", "names no invoice")]
    [InlineData("\"payment_intent\": \"pi_7\"", "\"payment_intent\": \"pi_7#\"", "paid by neither a payment intent nor a charge")]
    [InlineData("\"payment_intent\": \"pi_7\"", "\"payment_intent\": \"pi_{256}\"", "paid by neither a payment intent nor a charge")]
    public void Handle_NothingToLink_IsIgnored(string written, string replacement, string reason)
    {
        var ignored = Assert.IsType<WebhookOutcome.Ignored>(HandleEdited(7, written, replacement.Replace("{256}", new string('x', 256), StringComparison.Ordinal)));

        Assert.Contains(reason, ignored.Reason, StringComparison.Ordinal);
    }
}
