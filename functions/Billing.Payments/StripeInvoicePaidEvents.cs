using Billing.Domain.Payments;

namespace Billing.Payments;

/// <summary>
/// Reads <c>invoice.paid</c> from the verified event JSON, field by field, as the other events are: the invoice's id, our
/// invoice it names (<c>metadata.billing_invoice_id</c>), its customer (an id or the expanded object), currency,
/// <c>amount_paid</c>, when it was paid (<c>status_transitions.paid_at</c>, else the event's creation) and the payment
/// intent that paid it. Only these fields are read, so a field of another type than Stripe.net's model of the current API
/// version expects, or a string that is no text, elsewhere in the invoice cannot make a payment of ours unreadable.
/// </summary>
internal static class StripeInvoicePaidEvents
{
    public const string InvoicePaid = "invoice.paid";

    public static bool Handles(string? type) => type == InvoicePaid;

    /// <summary>
    /// The outcome of a verified <c>invoice.paid</c>: <see cref="WebhookOutcome.Rejected"/> when it carries no invoice, or one
    /// whose metadata names an invoice of ours without a customer or currency; <see cref="WebhookOutcome.Ignored"/> for one
    /// naming none of ours that lacks them too; otherwise the payment, whatever its metadata says
    /// (<see cref="WebhookOutcome.PaymentReceived.MetadataProblem"/> says why it names none: the caller goes by the Stripe
    /// invoice the platform synced first), with <see cref="WebhookOutcome.PaymentReceived.MalformedAmount"/> set (and nothing
    /// to apply) when its amount or its payment intent cannot be read.
    /// </summary>
    public static WebhookOutcome Read(JsonElement root)
    {
        string eventId = StripeJson.Text(root, "id") ?? "";
        if (!StripeJson.TryGetObject(root, "invoice", out var invoice, out string stripeInvoiceId))
        {
            return new WebhookOutcome.Rejected($"{InvoicePaid} event {eventId} does not carry an invoice object.");
        }

        string? metadataProblem = MetadataProblem(invoice, out InvoiceId? invoiceId);
        if (Customer(invoice) is not { Length: > 0 } customer || StripeJson.Text(invoice, "currency") is not { Length: > 0 } currency)
        {
            // No payment the platform could record: the invoices it syncs always have both.
            return metadataProblem is null
                ? new WebhookOutcome.Rejected($"Invoice {stripeInvoiceId} in event {eventId} lacks a customer or currency.")
                : new WebhookOutcome.Ignored(eventId, InvoicePaid, $"Invoice {stripeInvoiceId} lacks a customer or currency, and {metadataProblem}.");
        }

        DateTimeOffset paidAt = (invoice.TryGetProperty("status_transitions", out var transitions) ? StripeJson.Time(transitions, "paid_at") : null)
            ?? StripeJson.Created(root);
        string? intent = PaymentIntentId(invoice, out string? intentProblem);
        string? malformed = AmountPaidProblem(invoice, out long amountPaid) ?? intentProblem;
        return new WebhookOutcome.PaymentReceived(
            eventId, invoiceId, stripeInvoiceId, customer, intent, malformed is null ? amountPaid : 0, currency.ToUpperInvariant(), paidAt, malformed, metadataProblem, PaidOutOfBand(invoice));
    }

    /// <summary>
    /// Stripe's <c>paid_out_of_band</c>: true when the invoice was marked paid outside Stripe (no money moved through Stripe).
    /// Absent, null or <c>false</c> is a payment through Stripe; any other value is read as out of band, so that money whose
    /// origin cannot be told is never burned.
    /// </summary>
    private static bool PaidOutOfBand(JsonElement invoice) =>
        invoice.TryGetProperty("paid_out_of_band", out var flag) && flag.ValueKind is not (JsonValueKind.False or JsonValueKind.Null);

    /// <summary>Null when <c>metadata.billing_invoice_id</c> names an invoice id (<paramref name="invoiceId"/>); otherwise what is wrong with it.</summary>
    private static string? MetadataProblem(JsonElement invoice, out InvoiceId? invoiceId)
    {
        const string Key = StripeInvoiceSync.InvoiceIdMetadataKey;
        invoiceId = null;
        if (!invoice.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object
            || !metadata.TryGetProperty(Key, out var billing) || billing.ValueKind == JsonValueKind.Null)
        {
            return $"it has no {Key} metadata";
        }

        if (StripeJson.Text(metadata, Key) is not { } billingId)
        {
            return $"its {Key} metadata {StripeJson.Excerpt(billing)} is not text";
        }

        if (string.IsNullOrWhiteSpace(billingId))
        {
            return $"its {Key} metadata is blank";
        }

        invoiceId = OurInvoiceId(billingId);
        return invoiceId is null ? $"its {Key} metadata {StripeJson.Excerpt(billing)} is not an invoice id" : null;
    }

    /// <summary>The customer as Stripe names it, unexpanded (its id) or expanded (the object's <c>id</c>).</summary>
    private static string? Customer(JsonElement invoice) =>
        StripeJson.Text(invoice, "customer")
        ?? (invoice.TryGetProperty("customer", out var expanded) ? StripeJson.Text(expanded, "id") : null);

    /// <summary>Null when <c>amount_paid</c> is an integer of minor units (at most <see cref="StripeAmounts.MaxMinor"/>); otherwise what is wrong with it.</summary>
    private static string? AmountPaidProblem(JsonElement invoice, out long minor)
    {
        minor = 0;
        if (!invoice.TryGetProperty("amount_paid", out JsonElement amount))
        {
            return "amount_paid is missing";
        }

        if (amount.ValueKind == JsonValueKind.Number && amount.TryGetInt64(out minor))
        {
            // Beyond any payment: stored, it would be a row read as changed outside the platform (StripeAmounts). A negative
            // amount is passed on: the caller refuses it.
            return minor <= StripeAmounts.MaxMinor ? null : $"amount_paid {minor} is more than any payment";
        }

        return $"amount_paid {StripeJson.Excerpt(amount)} is not an integer of minor units";
    }

    /// <summary>
    /// Since API version 2025-03-31 the payment intent lives in <c>invoice.payments</c> (the paid one; only present when
    /// included); endpoints pinned to older versions send <c>invoice.payment_intent</c>. Accept either. One named on the
    /// invoice that is no Stripe id is a problem: refunds of the payment are linked by it, so the payment is not applied
    /// without it.
    /// </summary>
    private static string? PaymentIntentId(JsonElement invoice, out string? problem)
    {
        problem = null;
        if (invoice.TryGetProperty("payments", out var payments) && payments.ValueKind == JsonValueKind.Object
            && payments.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement payment in data.EnumerateArray())
            {
                if (StripeJson.Text(payment, "status") == "paid" && payment.ValueKind == JsonValueKind.Object
                    && payment.TryGetProperty("payment", out var paidBy) && StripeJson.Id(paidBy, "payment_intent") is { } paidIntent)
                {
                    return paidIntent;
                }
            }
        }

        if (!invoice.TryGetProperty("payment_intent", out var named) || named.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (StripeJson.Id(invoice, "payment_intent") is { } intent)
        {
            return intent;
        }

        problem = $"payment_intent {StripeJson.Excerpt(named)} is not a Stripe id, so the payment is not applied; check it in Stripe";
        return null;
    }

    /// <summary>
    /// The invoice of ours that metadata names; null when it names none. A payer is a partner id: the API makes them of
    /// letters, digits and <c>-</c>, but partners configured in settings may be any printable characters but <c>|</c> (e.g.
    /// <c>carrier.tmo</c>, <c>carrier/eu</c>, non-ASCII), escaped at most 200 characters long. The id keys the payment's rows
    /// escaped (<c>TableKey.Escape</c>), so it is refused only when that could be longer than <see cref="StripeJson.MaxIdChars"/>:
    /// no invoice of ours is, and a longer one could make a key storage refuses on every retry.
    /// </summary>
    private static InvoiceId? OurInvoiceId(string billingId)
    {
        if (EscapedLengthAtMost(billingId) > StripeJson.MaxIdChars)
        {
            return null;
        }

        try
        {
            return InvoiceId.Parse(billingId);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// At least the length of <paramref name="id"/> as a table key escapes it (Billing.Storage's <c>TableKey.Escape</c>, which
    /// this project cannot reference): exact for ASCII; any other character counted as its longest escape (<c>%uXXXX</c>).
    /// </summary>
    private static int EscapedLengthAtMost(string id)
    {
        int length = 0;
        foreach (char c in id)
        {
            length += c switch
            {
                '/' or '\\' or '#' or '?' or '%' or '|' or '\'' => 3,
                >= ' ' and <= '~' => 1,
                <= '\u00FF' => 3, // controls (escaped %XX); Latin-1 letters counted as escaped though a key keeps them
                _ => 6,
            };
        }

        return length;
    }
}
