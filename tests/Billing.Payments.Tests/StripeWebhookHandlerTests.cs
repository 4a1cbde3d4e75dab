using System.Globalization;
using Stripe;

namespace Billing.Payments.Tests;

public sealed class StripeWebhookHandlerTests
{
    private const string Secret = "whsec_test_handler_secret";
    private static readonly DateTimeOffset Now = new(2026, 11, 3, 9, 30, 0, TimeSpan.Zero);

    private readonly StripeWebhookHarness _webhooks = new(Secret, Now);

    [Fact]
    public void Handle_ValidInvoicePaid_ReturnsPaymentReceivedWithExactFields()
    {
        string body = PaidEvent();

        WebhookOutcome outcome = _webhooks.Handle(body);

        var expected = new WebhookOutcome.PaymentReceived(
            "evt_1PaidOctober",
            new InvoiceId("carrier-tmo", new BillingPeriod(2026, 10)),
            "in_1Stripe",
            "cus_1Carrier",
            "pi_1Intent",
            137,
            "USD",
            Now.AddMinutes(-1));
        Assert.Equal(expected, outcome);
    }

    [Fact]
    public void Handle_TamperedBody_Rejected()
    {
        string body = PaidEvent();
        string header = _webhooks.SignedNow(body);
        string tampered = body.Replace("\"amount_paid\": 137", "\"amount_paid\": 99137", StringComparison.Ordinal);
        Assert.NotEqual(body, tampered);

        WebhookOutcome outcome = _webhooks.Handler().Handle(tampered, header);

        Assert.Contains("signature", RejectionReason(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public void Handle_TimestampOlderThanTolerance_Rejected() =>
        Assert.Contains("301 s old", RejectionReason(HandleSignedAgo(TimeSpan.FromSeconds(301))), StringComparison.Ordinal);

    [Fact]
    public void Handle_TimestampExactlyAtTolerance_Accepted() =>
        Assert.IsType<WebhookOutcome.PaymentReceived>(HandleSignedAgo(TimeSpan.FromSeconds(300)));

    [Fact]
    public void Handle_TimestampInFutureBeyondTolerance_Rejected()
    {
        string body = PaidEvent();

        WebhookOutcome outcome = _webhooks.Handler().Handle(body, StripeWebhookSigner.Sign(body, Secret, Now.AddSeconds(301)));

        Assert.Contains("future", RejectionReason(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public void Handle_TimestampSlightlyInFuture_Accepted()
    {
        string body = PaidEvent();

        Assert.IsType<WebhookOutcome.PaymentReceived>(_webhooks.Handler().Handle(body, StripeWebhookSigner.Sign(body, Secret, Now.AddSeconds(30))));
    }

    [Fact]
    public void Handle_WrongSecret_Rejected()
    {
        string body = PaidEvent();

        WebhookOutcome outcome = _webhooks.Handler().Handle(body, StripeWebhookSigner.Sign(body, "whsec_someone_else", Now));

        Assert.IsType<WebhookOutcome.Rejected>(outcome);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Handle_MissingHeader_Rejected(string? header)
    {
        WebhookOutcome outcome = _webhooks.Handler().Handle(PaidEvent(), header);

        Assert.Contains("Missing Stripe-Signature", RejectionReason(outcome), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v1=abc")]
    [InlineData("t=notanumber,v1=abc")]
    [InlineData("garbage")]
    public void Handle_HeaderWithoutValidTimestamp_Rejected(string header)
    {
        WebhookOutcome outcome = _webhooks.Handler().Handle(PaidEvent(), header);

        Assert.Contains("timestamp", RejectionReason(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public void Handle_HeaderWithTwoTimestamps_Rejected()
    {
        string body = PaidEvent();
        string header = _webhooks.SignedNow(body) + ",t=1";

        Assert.IsType<WebhookOutcome.Rejected>(_webhooks.Handler().Handle(body, header));
    }

    [Fact]
    public void Handle_OnlyV0Signature_Rejected()
    {
        string body = PaidEvent();
        string valid = _webhooks.SignedNow(body); // "t=…,v1=<hex>"
        string v0Only = valid.Replace(",v1=", ",v0=", StringComparison.Ordinal);

        WebhookOutcome outcome = _webhooks.Handler().Handle(body, v0Only);

        Assert.Contains("no v1 signature", RejectionReason(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public void Handle_SeveralV1SignaturesOneMatching_Accepted()
    {
        string body = PaidEvent();
        string valid = _webhooks.SignedNow(body);
        string validSignature = valid[(valid.IndexOf(",v1=", StringComparison.Ordinal) + 4)..];
        string otherSignature = Signature(StripeWebhookSigner.Sign(body, "whsec_old_rotated_secret", Now));
        string header = string.Create(
            CultureInfo.InvariantCulture,
            $"t={Now.ToUnixTimeSeconds()},v1={otherSignature},v1=zz-not-hex,v1={validSignature},v0={otherSignature}");

        Assert.IsType<WebhookOutcome.PaymentReceived>(_webhooks.Handler().Handle(body, header));
    }

    [Fact]
    public void Handle_SeveralV1SignaturesNoneMatching_Rejected()
    {
        string body = PaidEvent();
        string a = Signature(StripeWebhookSigner.Sign(body, "whsec_a", Now));
        string b = Signature(StripeWebhookSigner.Sign(body, "whsec_b", Now));
        string header = string.Create(CultureInfo.InvariantCulture, $"t={Now.ToUnixTimeSeconds()},v1={a},v1={b}");

        Assert.IsType<WebhookOutcome.Rejected>(_webhooks.Handler().Handle(body, header));
    }

    [Fact]
    public void Handle_SignedButNotJson_Rejected()
    {
        const string body = "{not json";

        WebhookOutcome outcome = _webhooks.Handle(body);

        Assert.Contains("JSON", RejectionReason(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public void Handle_UnrelatedEventType_Ignored()
    {
        string body = StripeTestEvents.CustomerCreated("evt_1Customer", "cus_1Carrier", Now);

        WebhookOutcome outcome = _webhooks.Handle(body);

        var ignored = Assert.IsType<WebhookOutcome.Ignored>(outcome);
        Assert.Equal("evt_1Customer", ignored.EventId);
        Assert.Equal("customer.created", ignored.EventType);
    }

    [Fact]
    public void Handle_InvoicePaidWithoutOurMetadata_PaymentReceivedNamingNoInvoiceAndWhy()
    {
        string body = StripeTestEvents.InvoicePaid("evt_1Foreign", "in_1Foreign", null, 500, "usd", "cus_1Other", Now);

        var received = Assert.IsType<WebhookOutcome.PaymentReceived>(_webhooks.Handle(body));

        Assert.Equal(("in_1Foreign", (InvoiceId?)null, 500L), (received.StripeInvoiceId, received.BillingInvoiceId, received.AmountPaidMinor));
        Assert.Contains("billing_invoice_id", received.MetadataProblem, StringComparison.Ordinal);
    }

    // The id keys the payment's rows escaped: one that could escape longer than 255 characters is no invoice of ours.
    public static TheoryData<string> BillingIdsNotOurs => new()
    {
        "order-77",
        "INV-" + new string('/', 200) + "-202610", // '/' escapes to three characters
        "INV-" + new string('\u0436', 45) + "-202610", // up to six each
    };

    [Theory]
    [MemberData(nameof(BillingIdsNotOurs))]
    public void Handle_InvoicePaidWithMalformedBillingId_PaymentReceivedNamingNoInvoice(string billingId)
    {
        string body = StripeTestEvents.InvoicePaid("evt_1Odd", "in_1Odd", billingId, 500, "usd", "cus_1Other", Now);

        var received = Assert.IsType<WebhookOutcome.PaymentReceived>(_webhooks.Handle(body));
        Assert.Null(received.BillingInvoiceId);
        Assert.Contains("is not an invoice id", received.MetadataProblem, StringComparison.Ordinal);
    }

    // Partners configured in settings may be any printable characters but '|' (PartnerOptionsValidator), escaped at most
    // 200 long: every invoice of theirs is ours, and its payment is recorded.
    public static TheoryData<string> BillingIdsOfConfiguredPayers => new()
    {
        "INV-carrier.tmo-202610",
        "INV-carrier/eu-202610-r1",
        "INV-carrier\u00e9-202610",
        "INV-acme:eu@x+y~z-202610",
        "INV-" + new string('a', 200) + "-202610-r12",
    };

    [Theory]
    [MemberData(nameof(BillingIdsOfConfiguredPayers))]
    public void Handle_InvoicePaidForAConfiguredPayerOfOtherCharacters_PaymentReceived(string billingId)
    {
        string body = StripeTestEvents.InvoicePaid("evt_1Ours", "in_1Ours", billingId, 500, "usd", "cus_1Ours", Now);

        var received = Assert.IsType<WebhookOutcome.PaymentReceived>(_webhooks.Handle(body));
        Assert.Equal(billingId, received.BillingInvoiceId.ToString());
    }

    // Ids become table keys as they are: one with characters a key escapes (up to six times as long) could make a key storage
    // refuses, and the write would fail on every retry (500s until Stripe gives up). No Stripe id has them.
    [Theory]
    [InlineData("invoice.paid")]
    [InlineData("credit_note.created")]
    [InlineData("charge.refunded")]
    [InlineData("invoice_payment.paid")]
    public void Handle_EventIdNoStripeIdCanBe_Rejected(string type)
    {
        string id = "evt_" + new string('#', 200);
        string body = type switch
        {
            "invoice.paid" => StripeTestEvents.InvoicePaid(id, "in_1Odd", "INV-carrier-tmo-202610", 500, "usd", "cus_1", Now),
            "credit_note.created" => StripeTestEvents.CreditNote(id, "cn_1Odd", "in_1Odd", 500, "usd", Now),
            "charge.refunded" => StripeTestEvents.ChargeRefunded(id, "ch_1Odd", 500, 100, "usd", Now),
            _ => StripeTestEvents.InvoicePaymentPaid(id, "inpay_1Odd", "in_1Odd", 500, "usd", Now, "pi_1Odd"),
        };

        Assert.Contains("its id is not 1 to 255 letters, digits, '_' or '-'", RejectionReason(_webhooks.Handle(body)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ch_1/Odd")]
    [InlineData("ch_1#Odd")]
    [InlineData("ch_1 Odd")]
    public void Handle_RefundOfAChargeIdNoStripeIdCanBe_Rejected(string chargeId)
    {
        string body = StripeTestEvents.ChargeRefunded("evt_1Refund", chargeId, 500, 100, "usd", Now);

        Assert.Contains("does not carry a charge object", RejectionReason(_webhooks.Handle(body)), StringComparison.Ordinal);
    }

    [Fact]
    public void Handle_SameEventDeliveredTwice_ReturnsSamePaymentReceivedForCallerDedup()
    {
        string body = PaidEvent();
        StripeWebhookHandler handler = _webhooks.Handler();

        WebhookOutcome first = handler.Handle(body, _webhooks.SignedNow(body));
        _webhooks.Time.Advance(TimeSpan.FromHours(2)); // Stripe's retry comes later with a fresh signature
        WebhookOutcome second = handler.Handle(body, StripeWebhookSigner.Sign(body, Secret, _webhooks.Time.GetUtcNow()));

        Assert.IsType<WebhookOutcome.PaymentReceived>(first);
        Assert.Equal(first, second);
        Assert.Equal("evt_1PaidOctober", ((WebhookOutcome.PaymentReceived)second).StripeEventId);
    }

    [Fact]
    public void Handle_ReissuedInvoiceInEuro_ParsesRevisionAndUpperCasesCurrency()
    {
        string body = StripeTestEvents.InvoicePaid(
            "evt_2", "in_2", "INV-fleet-7-202609-r2", 123_456_789_012, "eur", "cus_2", Now, paymentIntentId: "pi_custom");

        var paid = Assert.IsType<WebhookOutcome.PaymentReceived>(_webhooks.Handle(body));

        Assert.Equal(new InvoiceId("fleet-7", new BillingPeriod(2026, 9), 2), paid.BillingInvoiceId);
        Assert.Equal(("EUR", 123_456_789_012L, "pi_custom"), (paid.Currency, paid.AmountPaidMinor, paid.PaymentIntentId));
    }

    [Fact]
    public void Sign_ProducesTheSignatureStripeNetComputes()
    {
        string body = PaidEvent();
        string t = Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        string header = _webhooks.SignedNow(body);

        Assert.Equal($"t={t},v1={EventUtility.ComputeSignature(Secret, t, body)}", header);
        EventUtility.ValidateSignature(body, header, Secret, 300, Now.ToUnixTimeSeconds()); // throws when invalid
    }

    [Fact]
    public void Sign_KnownVector_MatchesIndependentHmac()
    {
        // Computed independently: printf '1700000000.{}' | openssl dgst -sha256 -hmac whsec_vector
        string header = StripeWebhookSigner.Sign("{}", "whsec_vector", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

        Assert.Equal("t=1700000000,v1=" + KnownVectorSignature, header);
    }

    [Fact]
    public void Handle_HeaderGeneratedByStripeNet_Accepted()
    {
        string body = PaidEvent();
        string header = EventUtility.GenerateSignatureHeader(body, Secret, Now.ToUnixTimeSeconds());

        Assert.IsType<WebhookOutcome.PaymentReceived>(_webhooks.Handler().Handle(body, header));
    }

    private const string KnownVectorSignature = "1f8abe454aaf2153a9ae950a6602cbee309c717fb69ac06067bcf0e2ee2f359d";

    private static string Signature(string header) => header[(header.IndexOf(",v1=", StringComparison.Ordinal) + 4)..];

    [Fact]
    public void Handle_BodyWithBomSignedOverItsRawBytes_Accepted()
    {
        byte[] body = [.. System.Text.Encoding.UTF8.Preamble, .. System.Text.Encoding.UTF8.GetBytes(PaidEvent())];

        WebhookOutcome outcome = _webhooks.Handle(body);

        Assert.Equal("evt_1PaidOctober", Assert.IsType<WebhookOutcome.PaymentReceived>(outcome).StripeEventId);
    }

    [Fact]
    public void Handle_BomPrependedAfterSigning_Rejected()
    {
        string text = PaidEvent();
        byte[] body = [.. System.Text.Encoding.UTF8.Preamble, .. System.Text.Encoding.UTF8.GetBytes(text)];

        WebhookOutcome outcome = _webhooks.Handler().Handle(body, StripeWebhookSigner.Sign(text, Secret, Now));

        Assert.IsType<WebhookOutcome.Rejected>(outcome);
    }

    [Fact]
    public void Handle_SignedInvalidUtf8_RejectedNotReplaced()
    {
        byte[] body = [.. System.Text.Encoding.UTF8.GetBytes(PaidEvent()[..^1]), 0xFF, (byte)'}'];

        WebhookOutcome outcome = _webhooks.Handle(body);

        Assert.Contains("UTF-8", RejectionReason(outcome), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1e30")]
    [InlineData("12.5")]
    [InlineData("\"137\"")]
    [InlineData("99999999999999999999")]
    public void Handle_AmountPaidNotAnInteger_PaymentReceivedFlaggedMalformed(string amount)
    {
        string body = PaidEvent().Replace("\"amount_paid\": 137", "\"amount_paid\": " + amount, StringComparison.Ordinal);
        Assert.NotEqual(PaidEvent(), body);

        WebhookOutcome outcome = _webhooks.Handle(body);

        var paid = Assert.IsType<WebhookOutcome.PaymentReceived>(outcome);
        Assert.Equal(("evt_1PaidOctober", "INV-carrier-tmo-202610", 0L), (paid.StripeEventId, paid.BillingInvoiceId.ToString(), paid.AmountPaidMinor));
        Assert.Contains("not an integer", paid.MalformedAmount, StringComparison.Ordinal);
    }

    [Fact]
    public void Handle_AmountPaidBeyondAnyPayment_PaymentReceivedFlaggedMalformed()
    {
        // Stored, it would make the invoice's payment state a row the platform refuses to read (its sums could overflow).
        string body = PaidEvent().Replace("\"amount_paid\": 137", "\"amount_paid\": 1000000000001", StringComparison.Ordinal);

        var paid = Assert.IsType<WebhookOutcome.PaymentReceived>(_webhooks.Handle(body));

        Assert.Equal((0L, "amount_paid 1000000000001 is more than any payment"), (paid.AmountPaidMinor, paid.MalformedAmount));
    }

    [Fact]
    public void Handle_NegativeAmountPaid_PassedOnForTheCallerToRefuse()
    {
        string body = PaidEvent().Replace("\"amount_paid\": 137", "\"amount_paid\": -137", StringComparison.Ordinal);

        var paid = Assert.IsType<WebhookOutcome.PaymentReceived>(_webhooks.Handle(body));

        Assert.Equal((-137L, (string?)null), (paid.AmountPaidMinor, paid.MalformedAmount));
    }

    /// <summary>The paid event, signed at <see cref="Now"/> and handled <paramref name="age"/> later.</summary>
    private WebhookOutcome HandleSignedAgo(TimeSpan age)
    {
        string body = PaidEvent();
        string header = _webhooks.SignedNow(body);
        _webhooks.Time.Advance(age);
        return _webhooks.Handler().Handle(body, header);
    }

    /// <summary>Fails unless <paramref name="outcome"/> is a rejection; its reason otherwise.</summary>
    private static string RejectionReason(WebhookOutcome outcome) => Assert.IsType<WebhookOutcome.Rejected>(outcome).Reason;

    private static string PaidEvent() =>
        StripeTestEvents.InvoicePaid(
            "evt_1PaidOctober", "in_1Stripe", "INV-carrier-tmo-202610", 137, "usd", "cus_1Carrier", Now.AddMinutes(-1), "pi_1Intent");
}
