namespace Billing.Payments.Tests;

/// <summary>
/// Signed events holding a JSON escape of a lone surrogate (<c>"\ud800"</c>): valid JSON, not Unicode text. Every event is
/// read from the JSON field by field: a field that is not text is read as not named. The outcome is deterministic (rejected, or recorded with what can be read), never an exception out of the
/// handler (a 500 that Stripe retried for days), and never a lone surrogate passed on into a row.
/// </summary>
public sealed class StripeWebhookUnicodeTests
{
    private const string Lone = "xlonex"; // written by the simulator (which lower-cases currencies), then replaced by the escape
    private static readonly DateTimeOffset Now = new(2026, 11, 3, 9, 30, 0, TimeSpan.Zero);

    private readonly StripeWebhookHarness _webhooks = new("whsec_test_unicode", Now);

    private static string Paid(string stripeInvoice = "in_1", string billing = "INV-carrier-tmo-202610", string currency = "usd",
        string customer = "cus_1", string intent = "pi_1") =>
        StripeTestEvents.InvoicePaid("evt_1", stripeInvoice, billing, 137, currency, customer, Now, intent);

    /// <summary>The outcome of <paramref name="body"/> with every <see cref="Lone"/> made <c>\ud800</c>, signed now.</summary>
    private WebhookOutcome Handle(string body)
    {
        Assert.Contains(Lone, body, StringComparison.Ordinal);
        return _webhooks.Handle(body.Replace(Lone, "\\ud800", StringComparison.Ordinal));
    }

    public static TheoryData<string, string> Rejected => new()
    {
        { "invoice id", Paid(stripeInvoice: "in_1" + Lone) },
        { "invoice currency", Paid(currency: "usd" + Lone) },
        { "invoice customer", Paid(customer: "cus_1" + Lone) },
        { "event type", StripeTestEvents.InvoicePaid("evt_1", "in_1", "INV-carrier-tmo-202610", 137, "usd", "cus_1", Now).Replace("\"invoice.paid\"", "\"invoice.paid" + Lone + "\"", StringComparison.Ordinal) },
        { "credit note id", StripeTestEvents.CreditNote("evt_1", "cn_1" + Lone, "in_1", 100, "usd", Now) },
        { "credit note currency", StripeTestEvents.CreditNote("evt_1", "cn_1", "in_1", 100, "usd" + Lone, Now) },
        { "credit note invoice", StripeTestEvents.CreditNote("evt_1", "cn_1", "in_1" + Lone, 100, "usd", Now) },
        { "refund currency", StripeTestEvents.ChargeRefunded("evt_1", "ch_1", 100, 100, "usd" + Lone, Now) },
        { "event id, amount unreadable", StripeTestEvents.InvoicePaid("evt_1" + Lone, "in_1", "INV-carrier-tmo-202610", 137, "usd", "cus_1", Now).Replace("\"amount_paid\": 137", "\"amount_paid\": 1.5", StringComparison.Ordinal) },
        { "property name", Paid().Replace("\"livemode\"", "\"livemode" + Lone + "\"", StringComparison.Ordinal) },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Handle_LoneSurrogateInAFieldItNeeds_Rejected(string where, string body)
    {
        var rejected = Assert.IsType<WebhookOutcome.Rejected>(Handle(body));

        Assert.False(string.IsNullOrEmpty(rejected.Reason), where);
    }

    // Metadata that is no text names no invoice: before, rejected (Stripe retried for three days, then the payment was nowhere);
    // now the payment goes to the caller, which goes by the Stripe invoice the platform synced, else records it unapplied.
    [Fact]
    public void Handle_LoneSurrogateInTheBillingId_PaymentReceivedNamingNoInvoice()
    {
        var paid = Assert.IsType<WebhookOutcome.PaymentReceived>(Handle(Paid(billing: "INV-carrier-tmo" + Lone + "-202610")));

        Assert.Equal(("in_1", (InvoiceId?)null, 137L), (paid.StripeInvoiceId, paid.BillingInvoiceId, paid.AmountPaidMinor));
        Assert.Contains("is not text", paid.MetadataProblem, StringComparison.Ordinal);
    }

    // An invoice.paid of ours holding a string that is no text in a field this platform does not read is applied as any
    // other: it is read from the JSON, field by field. (Parsed by Stripe.net's model, the whole event failed; then it was
    // rejected, which Stripe retried for three days before the payment was nowhere, and later recorded unapplied.)
    [Fact]
    public void Handle_LoneSurrogateInAFieldNotReadInAnInvoicePaidOfOurs_PaymentApplied()
    {
        var paid = Assert.IsType<WebhookOutcome.PaymentReceived>(Handle(Paid().Replace("\"manual\"", "\"manual" + Lone + "\"", StringComparison.Ordinal)));

        Assert.Equal(("evt_1", "INV-carrier-tmo-202610", "in_1", "cus_1", "pi_1", 137L, "USD", (string?)null),
            (paid.StripeEventId, paid.BillingInvoiceId.ToString(), paid.StripeInvoiceId, paid.StripeCustomerId, paid.PaymentIntentId, paid.AmountPaidMinor, paid.Currency, paid.MalformedAmount));
    }

    // A payment intent that is named but cannot be read: the payment is recorded unapplied with why, not applied without it
    // (refunds of the payment are linked by it), and reconcile shows it.
    [Fact]
    public void Handle_LoneSurrogateInThePaymentIntentOfAnInvoicePaidOfOurs_PaymentRecordedUnappliedWithTheReason()
    {
        var paid = Assert.IsType<WebhookOutcome.PaymentReceived>(Handle(Paid(intent: "pi_1" + Lone)));

        Assert.Equal(("INV-carrier-tmo-202610", "in_1", 0L, (string?)null),
            (paid.BillingInvoiceId.ToString(), paid.StripeInvoiceId, paid.AmountPaidMinor, paid.PaymentIntentId));
        Assert.Contains("payment_intent", paid.MalformedAmount, StringComparison.Ordinal);
    }

    // An invoice.paid of ours whose amount cannot be read is still recorded (unapplied): a payment intent that is not
    // text is then not named, as one that is no id.
    [Fact]
    public void Handle_LoneSurrogateInPaymentIntentAmountUnreadable_PaymentRecordedUnappliedNamingNone()
    {
        var paid = Assert.IsType<WebhookOutcome.PaymentReceived>(Handle(Paid(intent: "pi_1" + Lone).Replace("\"amount_paid\": 137", "\"amount_paid\": 1.5", StringComparison.Ordinal)));

        Assert.Equal(("in_1", 0L, (string?)null), (paid.StripeInvoiceId, paid.AmountPaidMinor, paid.PaymentIntentId));
        Assert.NotNull(paid.MalformedAmount);
    }

    [Fact]
    public void Handle_LoneSurrogateInRefundPaymentIntent_RefundReceivedNamingNone()
    {
        var refund = Assert.IsType<WebhookOutcome.RefundReceived>(Handle(StripeTestEvents.ChargeRefunded("evt_1", "ch_1", 100, 40, "usd", Now, paymentIntentId: "pi_1" + Lone))).Refund;

        Assert.Equal(("ch_1", 40L, (string?)null), (refund.ChargeId, refund.AmountRefundedMinor, refund.PaymentIntentId));
    }

    [Fact]
    public void Handle_LoneSurrogateInInvoicePaymentInvoice_Ignored() =>
        Assert.IsType<WebhookOutcome.Ignored>(Handle(StripeTestEvents.InvoicePaymentPaid("evt_1", "inpay_1", "in_1" + Lone, 100, "usd", Now, "pi_1")));

    [Fact]
    public void Handle_LoneSurrogateInCreditNoteRefundId_RecordedWithTheProblem()
    {
        string body = StripeTestEvents.CreditNote("evt_1", "cn_1", "in_1", 100, "usd", Now);
        int refunds = body.IndexOf("\"refunds\"", StringComparison.Ordinal);
        Assert.True(refunds > 0);
        int end = body.IndexOf(']', refunds);
        body = string.Concat(body.AsSpan(0, refunds), "\"refund\": \"re_1" + Lone + "\"", body.AsSpan(end + 1));

        var note = Assert.IsType<WebhookOutcome.CreditNoteReceived>(Handle(body)).Note;

        Assert.Contains("refund", note.Problem, StringComparison.Ordinal);
    }
}
