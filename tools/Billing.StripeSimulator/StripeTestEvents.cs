using System.Text.Json;
using Billing.Payments;

namespace Billing.StripeSimulator;

/// <summary>
/// Realistic Stripe event payloads for tests, the local demo and the CLI (sign them with <see cref="StripeWebhookSigner"/>).
/// Shapes follow Stripe's event and invoice objects; ids are whatever the caller passes.
/// </summary>
public static class StripeTestEvents
{
    /// <summary>
    /// An <c>invoice.paid</c> event. <paramref name="billingInvoiceId"/> null produces an invoice without our metadata
    /// (as for an invoice created outside this platform); <paramref name="paidOutOfBand"/> is the Dashboard's "mark as paid"
    /// (paid outside Stripe).
    /// </summary>
    public static string InvoicePaid(
        string eventId,
        string stripeInvoiceId,
        string? billingInvoiceId,
        long amountPaidMinor,
        string currency,
        string customerId,
        DateTimeOffset created,
        string? paymentIntentId = null,
        bool paidOutOfBand = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        ArgumentException.ThrowIfNullOrEmpty(stripeInvoiceId);
        ArgumentException.ThrowIfNullOrEmpty(currency);
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        long at = created.ToUnixTimeSeconds();
        string intent = paymentIntentId ?? "pi_" + (stripeInvoiceId.StartsWith("in_", StringComparison.Ordinal) ? stripeInvoiceId[3..] : stripeInvoiceId);
        return Event(eventId, "invoice.paid", created, "invoice", stripeInvoiceId, w =>
        {
            w.WriteString("account_country", "US");
            w.WriteNumber("amount_due", amountPaidMinor);
            w.WriteNumber("amount_paid", amountPaidMinor);
            w.WriteNumber("amount_remaining", 0);
            w.WriteNumber("attempt_count", 1);
            w.WriteBoolean("attempted", true);
            w.WriteBoolean("auto_advance", false);
            w.WriteString("billing_reason", "manual");
            w.WriteString("collection_method", "send_invoice");
            w.WriteNumber("created", at - 3600);
            w.WriteString("currency", currency.ToLowerInvariant());
            w.WriteString("customer", customerId);
            w.WriteNumber("due_date", at + (30 * 86400));
            w.WriteString("hosted_invoice_url", $"https://invoice.stripe.com/i/acct_test/{stripeInvoiceId}");
            w.WriteStartObject("lines");
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            w.WriteEndArray();
            w.WriteBoolean("has_more", false);
            w.WriteNumber("total_count", 0);
            w.WriteString("url", $"/v1/invoices/{stripeInvoiceId}/lines");
            w.WriteEndObject();
            w.WriteBoolean("livemode", false);
            w.WriteStartObject("metadata");
            if (billingInvoiceId is not null)
            {
                w.WriteString(StripeInvoiceSync.InvoiceIdMetadataKey, billingInvoiceId);
            }

            w.WriteEndObject();
            w.WriteString("number", "BILL-0001");
            w.WriteBoolean("paid_out_of_band", paidOutOfBand);
            w.WriteString("payment_intent", intent);
            w.WriteString("status", "paid");
            w.WriteStartObject("status_transitions");
            w.WriteNumber("finalized_at", at - 3600);
            w.WriteNull("marked_uncollectible_at");
            w.WriteNumber("paid_at", at);
            w.WriteNull("voided_at");
            w.WriteEndObject();
            w.WriteNumber("subtotal", amountPaidMinor);
            w.WriteNumber("total", amountPaidMinor);
        });
    }

    /// <summary>
    /// A <c>credit_note.created</c> (or, <paramref name="voided"/>, <c>credit_note.voided</c>) event for Stripe invoice
    /// <paramref name="stripeInvoiceId"/>, shaped as API versions since 2025-03-31 send it: <c>amount</c> =
    /// <paramref name="prePaymentMinor"/> + post-payment part, which is <paramref name="refundedMinor"/> (one refund),
    /// <paramref name="outOfBandMinor"/> and the rest to the customer balance.
    /// </summary>
    public static string CreditNote(
        string eventId,
        string creditNoteId,
        string stripeInvoiceId,
        long amountMinor,
        string currency,
        DateTimeOffset created,
        bool voided = false,
        long prePaymentMinor = 0,
        long? refundedMinor = null,
        long outOfBandMinor = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        ArgumentException.ThrowIfNullOrEmpty(creditNoteId);
        ArgumentException.ThrowIfNullOrEmpty(stripeInvoiceId);
        long post = amountMinor - prePaymentMinor;
        long refunded = refundedMinor ?? post - outOfBandMinor;
        long at = created.ToUnixTimeSeconds();
        return Event(eventId, voided ? "credit_note.voided" : "credit_note.created", created, "credit_note", creditNoteId, w =>
        {
            w.WriteNumber("amount", amountMinor);
            w.WriteNumber("amount_shipping", 0);
            w.WriteNumber("created", at);
            w.WriteString("currency", currency.ToLowerInvariant());
            w.WriteString("customer", "cus_" + stripeInvoiceId);
            w.WriteNull("customer_balance_transaction");
            w.WriteNumber("discount_amount", 0);
            w.WriteString("invoice", stripeInvoiceId);
            w.WriteBoolean("livemode", false);
            w.WriteNull("memo");
            w.WriteStartObject("metadata");
            w.WriteEndObject();
            w.WriteString("number", "CN-0001");
            if (outOfBandMinor > 0)
            {
                w.WriteNumber("out_of_band_amount", outOfBandMinor);
            }
            else
            {
                w.WriteNull("out_of_band_amount");
            }

            w.WriteNumber("post_payment_amount", post);
            w.WriteNumber("pre_payment_amount", prePaymentMinor);
            w.WriteString("reason", "product_unsatisfactory");
            w.WriteStartArray("refunds");
            if (refunded > 0)
            {
                w.WriteStartObject();
                w.WriteNumber("amount_refunded", refunded);
                w.WriteString("refund", "re_" + creditNoteId);
                w.WriteString("type", "refund");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("status", voided ? "void" : "issued");
            w.WriteNumber("subtotal", amountMinor);
            w.WriteNumber("total", amountMinor);
            w.WriteString("type", prePaymentMinor == 0 ? "post_payment" : post == 0 ? "pre_payment" : "mixed");
            if (voided)
            {
                w.WriteNumber("voided_at", at);
            }
            else
            {
                w.WriteNull("voided_at");
            }
        });
    }

    /// <summary>
    /// A <c>charge.refunded</c> event: <paramref name="amountRefundedMinor"/> is everything refunded on the charge so far, as
    /// Stripe sends it. The charge names its Stripe invoice only when <paramref name="stripeInvoiceId"/> is given (API versions
    /// before 2025 did; the version this simulator stamps does not), its payment intent when <paramref name="paymentIntentId"/>
    /// is, and its customer always (<c>cus_{charge}</c> unless <paramref name="customerId"/> is given).
    /// </summary>
    public static string ChargeRefunded(
        string eventId, string chargeId, long amountMinor, long amountRefundedMinor, string currency, DateTimeOffset created,
        string? stripeInvoiceId = null, string? paymentIntentId = null, string? customerId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        ArgumentException.ThrowIfNullOrEmpty(chargeId);
        return Event(eventId, "charge.refunded", created, "charge", chargeId, w =>
        {
            w.WriteNumber("amount", amountMinor);
            w.WriteNumber("amount_captured", amountMinor);
            w.WriteNumber("amount_refunded", amountRefundedMinor);
            w.WriteBoolean("captured", true);
            w.WriteNumber("created", created.AddDays(-1).ToUnixTimeSeconds());
            w.WriteString("currency", currency.ToLowerInvariant());
            w.WriteString("customer", customerId ?? "cus_" + chargeId);
            if (stripeInvoiceId is null)
            {
                w.WriteNull("invoice");
            }
            else
            {
                w.WriteString("invoice", stripeInvoiceId);
            }

            w.WriteBoolean("livemode", false);
            w.WriteStartObject("metadata");
            w.WriteEndObject();
            w.WriteBoolean("paid", true);
            if (paymentIntentId is null)
            {
                w.WriteNull("payment_intent");
            }
            else
            {
                w.WriteString("payment_intent", paymentIntentId);
            }

            w.WriteBoolean("refunded", amountRefundedMinor >= amountMinor);
            w.WriteString("status", "succeeded");
        });
    }

    /// <summary>
    /// A <c>charge.dispute.*</c> event (<paramref name="type"/>: <c>charge.dispute.created</c>, <c>.updated</c>,
    /// <c>.funds_withdrawn</c>, <c>.funds_reinstated</c> or <c>.closed</c>): dispute <paramref name="disputeId"/> of
    /// <paramref name="amountMinor"/> on charge <paramref name="chargeId"/>, with <paramref name="status"/> as Stripe's dispute
    /// object has it then (<c>needs_response</c>, <c>under_review</c>, <c>won</c>, <c>lost</c>, <c>warning_closed</c>, …).
    /// </summary>
    public static string ChargeDispute(
        string eventId, string type, string disputeId, string chargeId, long amountMinor, string currency, string status, DateTimeOffset created,
        string? paymentIntentId = null, string reason = "fraudulent")
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(disputeId);
        ArgumentException.ThrowIfNullOrEmpty(chargeId);
        return Event(eventId, type, created, "dispute", disputeId, w =>
        {
            w.WriteNumber("amount", amountMinor);
            w.WriteStartArray("balance_transactions");
            w.WriteEndArray();
            w.WriteString("charge", chargeId);
            w.WriteNumber("created", created.ToUnixTimeSeconds());
            w.WriteString("currency", currency.ToLowerInvariant());
            w.WriteBoolean("is_charge_refundable", false);
            w.WriteBoolean("livemode", false);
            w.WriteStartObject("metadata");
            w.WriteEndObject();
            if (paymentIntentId is null)
            {
                w.WriteNull("payment_intent");
            }
            else
            {
                w.WriteString("payment_intent", paymentIntentId);
            }

            w.WriteString("reason", reason);
            w.WriteString("status", status);
        });
    }

    /// <summary>
    /// An <c>invoice_payment.paid</c> event, shaped as the current API version sends it: Stripe invoice
    /// <paramref name="stripeInvoiceId"/> paid by payment intent <paramref name="paymentIntentId"/> (<c>payment.type</c>
    /// <c>payment_intent</c>) or, when that is null, by charge <paramref name="chargeId"/> made without one (<c>charge</c>).
    /// </summary>
    public static string InvoicePaymentPaid(
        string eventId, string invoicePaymentId, string stripeInvoiceId, long amountPaidMinor, string currency, DateTimeOffset created,
        string? paymentIntentId, string? chargeId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        ArgumentException.ThrowIfNullOrEmpty(invoicePaymentId);
        ArgumentException.ThrowIfNullOrEmpty(stripeInvoiceId);
        if (paymentIntentId is null)
        {
            ArgumentException.ThrowIfNullOrEmpty(chargeId);
        }

        return Event(eventId, "invoice_payment.paid", created, "invoice_payment", invoicePaymentId, w =>
        {
            w.WriteNumber("amount_paid", amountPaidMinor);
            w.WriteNumber("amount_requested", amountPaidMinor);
            w.WriteNumber("created", created.ToUnixTimeSeconds());
            w.WriteString("currency", currency.ToLowerInvariant());
            w.WriteString("invoice", stripeInvoiceId);
            w.WriteBoolean("is_default", true);
            w.WriteBoolean("livemode", false);
            w.WriteStartObject("payment");
            w.WriteString("type", paymentIntentId is null ? "charge" : "payment_intent");
            w.WriteString(paymentIntentId is null ? "charge" : "payment_intent", paymentIntentId ?? chargeId);
            w.WriteEndObject();
            w.WriteString("status", "paid");
            w.WriteStartObject("status_transitions");
            w.WriteNull("canceled_at");
            w.WriteNumber("paid_at", created.ToUnixTimeSeconds());
            w.WriteEndObject();
        });
    }

    /// <summary>A <c>customer.created</c> event (an event type the billing webhook ignores).</summary>
    public static string CustomerCreated(string eventId, string customerId, DateTimeOffset created)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        return Event(eventId, "customer.created", created, "customer", customerId, w =>
        {
            w.WriteNumber("created", created.ToUnixTimeSeconds());
            w.WriteBoolean("livemode", false);
            w.WriteStartObject("metadata");
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// The event envelope around its <c>data.object</c>: a Stripe <paramref name="objectType"/> whose <c>id</c> and <c>object</c>
    /// come first, as every Stripe object's do (the webhook reads an event only with both), then what <paramref name="writeFields"/> writes.
    /// </summary>
    private static string Event(string eventId, string type, DateTimeOffset created, string objectType, string objectId, Action<Utf8JsonWriter> writeFields)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("id", eventId);
            w.WriteString("object", "event");
            w.WriteString("api_version", Stripe.StripeConfiguration.ApiVersion);
            w.WriteNumber("created", created.ToUnixTimeSeconds());
            w.WriteStartObject("data");
            w.WriteStartObject("object");
            w.WriteString("id", objectId);
            w.WriteString("object", objectType);
            writeFields(w);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteBoolean("livemode", false);
            w.WriteNumber("pending_webhooks", 1);
            w.WriteStartObject("request");
            w.WriteNull("id");
            w.WriteNull("idempotency_key");
            w.WriteEndObject();
            w.WriteString("type", type);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, checked((int)stream.Length));
    }
}
