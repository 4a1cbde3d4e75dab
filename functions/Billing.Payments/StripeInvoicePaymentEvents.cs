using Billing.Domain.Payments;

namespace Billing.Payments;

/// <summary>
/// Reads <c>invoice_payment.paid</c> from the verified event JSON: the invoice payment's <c>invoice</c> (an id or the expanded
/// object) and what paid it, <c>payment.payment_intent</c> or <c>payment.charge</c> (the shape of the current API version),
/// or the same two fields on the object itself (the shape some preview versions send). A payment of neither kind (a payment
/// record made outside Stripe) links no charge, so it is ignored.
/// </summary>
internal static class StripeInvoicePaymentEvents
{
    public const string InvoicePaymentPaid = "invoice_payment.paid";

    public static bool Handles(string? type) => type == InvoicePaymentPaid;

    /// <summary>The outcome of a verified <c>invoice_payment.paid</c>; <see cref="WebhookOutcome.Rejected"/> when it carries no invoice payment.</summary>
    public static WebhookOutcome Read(JsonElement root)
    {
        string eventId = StripeJson.Text(root, "id") ?? "";
        if (!StripeJson.TryGetObject(root, "invoice_payment", out var payment, out string invoicePaymentId))
        {
            return new WebhookOutcome.Rejected($"{InvoicePaymentPaid} event {eventId} does not carry an invoice_payment object.");
        }

        if (StripeJson.Id(payment, "invoice") is not { Length: > 0 } stripeInvoiceId)
        {
            // Authentic, and nothing to link: answered 200 so that Stripe does not retry a problem a retry cannot mend.
            return new WebhookOutcome.Ignored(eventId, InvoicePaymentPaid, $"Invoice payment {invoicePaymentId} names no invoice.");
        }

        var by = payment.TryGetProperty("payment", out var nested) && nested.ValueKind == JsonValueKind.Object ? nested : payment;
        if ((StripeJson.Id(by, "payment_intent") ?? StripeJson.Id(by, "charge")) is not { Length: > 0 } paymentId)
        {
            return new WebhookOutcome.Ignored(eventId, InvoicePaymentPaid, $"Invoice payment {invoicePaymentId} was paid by neither a payment intent nor a charge.");
        }

        return new WebhookOutcome.InvoicePaymentReceived(new InvoicePaymentLink(
            eventId, invoicePaymentId, stripeInvoiceId, paymentId, StripeJson.Created(root)));
    }
}
