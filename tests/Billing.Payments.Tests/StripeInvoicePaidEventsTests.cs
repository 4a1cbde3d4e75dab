namespace Billing.Payments.Tests;

/// <summary>
/// <c>invoice.paid</c> read from the verified JSON, field by field: a field this platform does not read cannot make a
/// payment of ours unreadable, whatever Stripe.net's model of the current API version expects of it.
/// </summary>
public sealed class StripeInvoicePaidEventsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 3, 9, 30, 0, TimeSpan.Zero);

    private readonly StripeWebhookHarness _webhooks = new("whsec_test_invoice_paid", Now);

    private static string Paid(string intent = "pi_1Intent") =>
        StripeTestEvents.InvoicePaid("evt_1Paid", "in_1Stripe", "INV-carrier-tmo-202610", 137, "usd", "cus_1Carrier", Now.AddMinutes(-1), intent);

    private static string Changed(string body, string from, string to)
    {
        string changed = body.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(body, changed);
        return changed;
    }

    // Stripe.net's model failed on the whole event (a number expected, a string sent): the payment was recorded unapplied.
    [Theory]
    [InlineData("\"attempt_count\": 1", "\"attempt_count\": \"one\"")]
    [InlineData("\"livemode\": false", "\"livemode\": \"no\"")]
    [InlineData("\"due_date\": ", "\"due_date\": \"soon\", \"x_due_date\": ")]
    public void Handle_InvoicePaidWithAFieldNotReadOfAnotherType_PaymentApplied(string from, string to)
    {
        var paid = Assert.IsType<WebhookOutcome.PaymentReceived>(_webhooks.Handle(Changed(Paid(), from, to)));

        Assert.Equal(("evt_1Paid", "INV-carrier-tmo-202610", "in_1Stripe", "cus_1Carrier", "pi_1Intent", 137L, "USD", (string?)null),
            (paid.StripeEventId, paid.BillingInvoiceId.ToString(), paid.StripeInvoiceId, paid.StripeCustomerId, paid.PaymentIntentId, paid.AmountPaidMinor, paid.Currency, paid.MalformedAmount));
        Assert.Equal(Now.AddMinutes(-1), paid.PaidAt);
    }

    // Authentic and not ours to handle: 200, not a refusal Stripe retries for three days.
    [Fact]
    public void Handle_EventOfAnotherTypeStripeNetCannotRead_Ignored()
    {
        string body = Changed(StripeTestEvents.CustomerCreated("evt_1Customer", "cus_1Carrier", Now), "\"livemode\": false", "\"livemode\": \"no\"");

        var ignored = Assert.IsType<WebhookOutcome.Ignored>(_webhooks.Handle(body));

        Assert.Equal(("evt_1Customer", "customer.created"), (ignored.EventId, ignored.EventType));
    }

    // API versions since 2025-03-31 name the payment intent in the invoice's payments, not on the invoice.
    [Fact]
    public void Handle_InvoicePaidNamingItsPaymentIntentInItsPayments_NamesThePaidOne()
    {
        string body = Changed(Paid(), "\"payment_intent\": \"pi_1Intent\",", """
            "payments": { "object": "list", "data": [
              { "object": "invoice_payment", "id": "inpay_1", "status": "canceled", "payment": { "type": "payment_intent", "payment_intent": "pi_1Canceled" } },
              { "object": "invoice_payment", "id": "inpay_2", "status": "paid", "payment": { "type": "payment_intent", "payment_intent": { "id": "pi_1Paid", "object": "payment_intent" } } } ] },
            """);

        var paid = Assert.IsType<WebhookOutcome.PaymentReceived>(_webhooks.Handle(body));

        Assert.Equal(("pi_1Paid", 137L), (paid.PaymentIntentId, paid.AmountPaidMinor));
    }

    [Fact]
    public void Handle_InvoicePaidWithItsCustomerExpanded_NamesTheCustomersId()
    {
        string body = Changed(Paid(), "\"customer\": \"cus_1Carrier\"", "\"customer\": { \"id\": \"cus_1Carrier\", \"object\": \"customer\" }");

        Assert.Equal("cus_1Carrier", Assert.IsType<WebhookOutcome.PaymentReceived>(_webhooks.Handle(body)).StripeCustomerId);
    }

    [Fact]
    public void Handle_InvoicePaidWithoutPaidAt_PaidAtIsTheEventsCreation()
    {
        string body = Changed(Paid(), "\"paid_at\": ", "\"paid_at\": null, \"x_paid_at\": ");

        Assert.Equal(Now.AddMinutes(-1), Assert.IsType<WebhookOutcome.PaymentReceived>(_webhooks.Handle(body)).PaidAt);
    }

    [Theory]
    [InlineData("\"object\": \"invoice\"", "\"object\": \"charge\"")]
    [InlineData("\"id\": \"in_1Stripe\"", "\"id\": \"in_1/Stripe\"")]
    [InlineData("\"currency\": \"usd\"", "\"currency\": 840")]
    [InlineData("\"customer\": \"cus_1Carrier\"", "\"customer\": null")]
    public void Handle_InvoicePaidWithoutAnInvoiceCustomerOrCurrency_Rejected(string from, string to) =>
        Assert.IsType<WebhookOutcome.Rejected>(_webhooks.Handle(Changed(Paid(), from, to)));

    // Named but not readable: unapplied with why (refunds of the payment are linked by it), never applied without it.
    [Theory]
    [InlineData("\"pi_1Intent\"", "42")]
    [InlineData("\"pi_1Intent\"", "\"pi_1/Intent\"")]
    public void Handle_InvoicePaidWithAnUnreadablePaymentIntent_PaymentRecordedUnapplied(string from, string to)
    {
        var paid = Assert.IsType<WebhookOutcome.PaymentReceived>(_webhooks.Handle(Changed(Paid(), from, to)));

        Assert.Equal((0L, (string?)null), (paid.AmountPaidMinor, paid.PaymentIntentId));
        Assert.Contains("payment_intent", paid.MalformedAmount, StringComparison.Ordinal);
    }
}
