using Billing.Domain.Text;
using Stripe;

namespace Billing.Payments;

/// <summary>
/// Turns a raw Stripe webhook request into a <see cref="WebhookOutcome"/>: verifies the signature and timestamp, parses
/// the event with Stripe.net and recognises <c>invoice.paid</c> for invoices this platform created
/// (<c>metadata.billing_invoice_id</c>), <c>credit_note.created</c>/<c>credit_note.voided</c> (<see cref="StripeCreditNoteEvents"/>) and
/// <c>charge.refunded</c> (<see cref="StripeRefundEvents"/>) and <c>invoice_payment.paid</c> (<see cref="StripeInvoicePaymentEvents"/>). Stateless and side-effect free apart from logging; deduplication by Stripe
/// event id belongs to the caller (see <see cref="WebhookOutcome"/>).
/// </summary>
public sealed partial class StripeWebhookHandler
{
    public const string InvoicePaidEventType = "invoice.paid";


    private readonly StripeOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<StripeWebhookHandler> _logger;

    public StripeWebhookHandler(IOptions<StripeOptions> options, TimeProvider timeProvider, ILogger<StripeWebhookHandler> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>A body given as text is verified over its UTF-8 bytes (tests and tools; the webhook passes the raw bytes).</summary>
    public WebhookOutcome Handle(string rawBody, string? signatureHeader)
    {
        ArgumentNullException.ThrowIfNull(rawBody);
        return Handle(Encoding.UTF8.GetBytes(rawBody), signatureHeader);
    }

    /// <param name="rawBody">The request body's bytes exactly as received: the signature covers these bytes, so nothing is decoded, stripped or re-serialized before it is checked.</param>
    /// <param name="signatureHeader">The <c>Stripe-Signature</c> header, or null when absent.</param>
    public WebhookOutcome Handle(ReadOnlyMemory<byte> rawBody, string? signatureHeader)
    {
        WebhookOutcome outcome = Evaluate(rawBody, signatureHeader);
        switch (outcome)
        {
            case WebhookOutcome.Rejected r:
                LogRejected(_logger, r.Reason);
                break;
            case WebhookOutcome.Ignored i:
                LogIgnored(_logger, i.EventId, i.EventType, i.Reason);
                break;
            case WebhookOutcome.PaymentReceived p:
                LogPaymentReceived(_logger, p.StripeEventId, p.BillingInvoiceId, p.StripeInvoiceId, p.AmountPaidMinor, p.Currency);
                if (p.MalformedAmount is not null)
                {
                    LogMalformedAmount(_logger, p.StripeEventId, p.MalformedAmount);
                }

                break;
            case WebhookOutcome.CreditNoteReceived c:
                LogCreditNoteReceived(_logger, c.Note.EventId, c.Note.CreditNoteId, c.Note.StripeInvoiceId, c.Note.Amounts.AmountMinor, c.Note.Currency, c.Note.Voided);
                break;
            case WebhookOutcome.RefundReceived r:
                LogRefundReceived(_logger, r.Refund.EventId, r.Refund.ChargeId, r.Refund.AmountRefundedMinor, r.Refund.Currency);
                break;
            case WebhookOutcome.InvoicePaymentReceived l:
                LogInvoicePaymentReceived(_logger, l.Link.EventId, l.Link.StripeInvoiceId, l.Link.PaymentId);
                break;
        }

        return outcome;
    }

    private WebhookOutcome Evaluate(ReadOnlyMemory<byte> rawBody, string? signatureHeader)
    {
        if (string.IsNullOrEmpty(_options.WebhookSecret))
        {
            // Misconfiguration: refuse everything rather than accept unsigned requests.
            return new WebhookOutcome.Rejected("No webhook secret is configured.");
        }

        if (!StripeWebhookVerifier.TryVerify(
                rawBody.Span, signatureHeader, _options.WebhookSecret, _options.WebhookTolerance, _timeProvider.GetUtcNow(), out string? failure))
        {
            return new WebhookOutcome.Rejected(failure);
        }

        // Only now, with the exact bytes verified, decode them: a BOM (which Stripe never sends) is not part of the JSON.
        ReadOnlyMemory<byte> json = rawBody.Span.StartsWith(Encoding.UTF8.Preamble) ? rawBody[Encoding.UTF8.Preamble.Length..] : rawBody;
        if (StrictUtf8.TryDecode(json.Span, out _) is not { } text)
        {
            return new WebhookOutcome.Rejected("Body is not valid UTF-8.");
        }

        // System.Text.Json first: it gives a clean "not JSON" answer and lets us read fields Stripe.net's model of the
        // current API version no longer has (payment_intent on invoices sent with an older endpoint API version).
        // Parsed as every untrusted JSON is: a duplicate key (which Stripe.net and this reader could each take differently) or a
        // property name that is no text (an escaped lone surrogate, on which every later lookup in its object would throw) is not JSON we read.
        JsonDocument document;
        try
        {
            document = Billing.Domain.Events.JsonText.ParseStrict(json);
        }
        catch (JsonException e)
        {
            return new WebhookOutcome.Rejected($"Body is not valid JSON: {e.Message}");
        }

        using (document)
        {
            Event stripeEvent;
            try
            {
                // The endpoint's API version may differ from the one Stripe.net was generated for; the fields we read are
                // stable across versions, so a mismatch must not reject the event.
                stripeEvent = EventUtility.ParseEvent(text, throwOnApiVersionMismatch: false);
            }
            catch (Exception e) when (e is StripeException or Newtonsoft.Json.JsonException or JsonException or FormatException
                                           or InvalidCastException or ArgumentException or OverflowException)
            {
                // An authentic invoice.paid of ours that Stripe.net cannot read (its amount, or any other field) must still be
                // recorded, unapplied and reported, not bounced: Stripe retries a refusal for three days, then the payment is nowhere.
                return (WebhookOutcome?)InvoicePaidUnreadByStripeNet(document.RootElement, e)
                       ?? (StripeJson.IsId(StripeJson.Text(document.RootElement, "id")) ? ReadFromJson(StripeJson.Text(document.RootElement, "type"), document.RootElement) : null)
                       ?? new WebhookOutcome.Rejected($"Body is not a Stripe event ({e.GetType().Name}).");
            }

            if (string.IsNullOrEmpty(stripeEvent.Id) || string.IsNullOrEmpty(stripeEvent.Type))
            {
                return new WebhookOutcome.Rejected("Body is not a Stripe event (missing id or type).");
            }

            if (!StripeJson.IsId(stripeEvent.Id))
            {
                return new WebhookOutcome.Rejected($"Body is not a Stripe event: its id is not 1 to {StripeJson.MaxIdChars} letters, digits, '_' or '-'.");
            }

            if (ReadFromJson(stripeEvent.Type, document.RootElement) is { } read)
            {
                return read;
            }

            if (stripeEvent.Type != InvoicePaidEventType)
            {
                return new WebhookOutcome.Ignored(stripeEvent.Id, stripeEvent.Type, "Event type is not handled.");
            }

            return InvoicePaid(stripeEvent, document.RootElement);
        }
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

    /// <summary>The events read from the JSON rather than Stripe.net's model (credit notes, refunds, invoice payments); null for any other type.</summary>
    private static WebhookOutcome? ReadFromJson(string? type, JsonElement root) =>
        StripeCreditNoteEvents.Handles(type) ? StripeCreditNoteEvents.Read(root)
        : StripeRefundEvents.Handles(type) ? StripeRefundEvents.Read(root)
        : StripeInvoicePaymentEvents.Handles(type) ? StripeInvoicePaymentEvents.Read(root)
        : null;

    private static WebhookOutcome InvoicePaid(Event stripeEvent, JsonElement root)
    {
        if (stripeEvent.Data?.Object is not Stripe.Invoice invoice || string.IsNullOrEmpty(invoice.Id))
        {
            return new WebhookOutcome.Rejected($"{InvoicePaidEventType} event {stripeEvent.Id} does not carry an invoice object.");
        }

        if (invoice.Metadata is null
            || !invoice.Metadata.TryGetValue(StripeInvoiceSync.InvoiceIdMetadataKey, out string? billingId)
            || string.IsNullOrWhiteSpace(billingId))
        {
            // Paid invoices created by hand in the dashboard or by other integrations on the same account.
            return new WebhookOutcome.Ignored(
                stripeEvent.Id, stripeEvent.Type, $"Invoice {invoice.Id} has no {StripeInvoiceSync.InvoiceIdMetadataKey} metadata.");
        }

        if (OurInvoiceId(billingId) is not { } invoiceId)
        {
            return new WebhookOutcome.Ignored(
                stripeEvent.Id, stripeEvent.Type, $"Invoice {invoice.Id} has metadata {StripeInvoiceSync.InvoiceIdMetadataKey} that is not an invoice id.");
        }

        if (string.IsNullOrEmpty(invoice.CustomerId) || string.IsNullOrEmpty(invoice.Currency))
        {
            return new WebhookOutcome.Rejected($"Invoice {invoice.Id} in event {stripeEvent.Id} lacks a customer or currency.");
        }

        DateTime paidAt = invoice.StatusTransitions?.PaidAt ?? stripeEvent.Created;
        string? malformed = AmountPaidProblem(root);
        return new WebhookOutcome.PaymentReceived(
            stripeEvent.Id,
            invoiceId,
            invoice.Id,
            invoice.CustomerId,
            PaymentIntentId(invoice, root),
            malformed is null ? invoice.AmountPaid : 0,
            invoice.Currency.ToUpperInvariant(),
            new DateTimeOffset(DateTime.SpecifyKind(paidAt, DateTimeKind.Utc)),
            malformed);
    }

    /// <summary>Null when <c>data.object.amount_paid</c> is an integer of minor units (at most <see cref="Billing.Domain.Payments.StripeAmounts.MaxMinor"/>); otherwise what is wrong with it.</summary>
    private static string? AmountPaidProblem(JsonElement root)
    {
        if (!StripeJson.TryGetDataObject(root, out JsonElement obj) || !obj.TryGetProperty("amount_paid", out JsonElement amount))
        {
            return "amount_paid is missing";
        }

        if (amount.ValueKind == JsonValueKind.Number && amount.TryGetInt64(out long minor))
        {
            // Beyond any payment: stored, it would be a row read as changed outside the platform (StripeAmounts).
            return minor <= Billing.Domain.Payments.StripeAmounts.MaxMinor ? null : $"amount_paid {minor} is more than any payment";
        }

        string raw = amount.GetRawText();
        return $"amount_paid {(raw.Length > 40 ? raw[..40] + "…" : raw)} is not an integer of minor units";
    }

    /// <summary>
    /// The fallback when Stripe.net cannot parse an event: an <c>invoice.paid</c> for one of our invoices is still a payment
    /// event, recorded unapplied downstream with why (its amount, or what Stripe.net could not read) so reconcile shows it and
    /// finance checks it in Stripe; one that does not name our invoice, its customer and currency as text stays rejected.
    /// </summary>
    private static WebhookOutcome.PaymentReceived? InvoicePaidUnreadByStripeNet(JsonElement root, Exception unread)
    {
        if (StripeJson.Text(root, "type") != InvoicePaidEventType || StripeJson.Text(root, "id") is not { } eventId || !StripeJson.IsId(eventId)
            || !StripeJson.TryGetDataObject(root, out JsonElement obj))
        {
            return null;
        }

        string problem = AmountPaidProblem(root)
            ?? $"Stripe.net could not read the event ({unread.GetType().Name}), so its amount_paid is not applied; check the payment in Stripe";
        if (StripeJson.Text(obj, "id") is not { Length: > 0 } stripeInvoiceId
            || StripeJson.Text(obj, "customer") is not { Length: > 0 } customer
            || StripeJson.Text(obj, "currency") is not { Length: > 0 } currency
            || !obj.TryGetProperty("metadata", out JsonElement metadata)
            || StripeJson.Text(metadata, StripeInvoiceSync.InvoiceIdMetadataKey) is not { } billingId)
        {
            return null;
        }

        if (OurInvoiceId(billingId) is not { } invoiceId)
        {
            return null;
        }

        DateTimeOffset created = root.TryGetProperty("created", out JsonElement c) && c.TryGetInt64(out long unix) && unix is >= 0 and < 253402300800
            ? DateTimeOffset.FromUnixTimeSeconds(unix)
            : DateTimeOffset.UnixEpoch;
        return new WebhookOutcome.PaymentReceived(eventId, invoiceId, stripeInvoiceId, customer, StripeJson.Id(obj, "payment_intent"), 0, currency.ToUpperInvariant(), created, problem);
    }

    /// <summary>
    /// Since API version 2025-03-31 the payment intent lives in <c>invoice.payments</c> (only present when included);
    /// endpoints pinned to older versions still send <c>invoice.payment_intent</c>. Accept either.
    /// </summary>
    private static string? PaymentIntentId(Stripe.Invoice invoice, JsonElement root)
    {
        if (invoice.Payments?.Data is { } payments)
        {
            foreach (InvoicePayment payment in payments)
            {
                if (payment.Status == "paid" && !string.IsNullOrEmpty(payment.Payment?.PaymentIntentId))
                {
                    return payment.Payment.PaymentIntentId;
                }
            }
        }

        return StripeJson.TryGetDataObject(root, out JsonElement obj)
               && obj.TryGetProperty("payment_intent", out JsonElement pi)
               && pi.ValueKind == JsonValueKind.String
               && pi.GetString() is { Length: > 0 } id
            ? id
            : null;
    }

    [LoggerMessage(EventId = 4114, Level = LogLevel.Information,
        Message = "Stripe event {EventId}: credit note {CreditNoteId} on {StripeInvoiceId}, {AmountMinor} minor units {Currency} (voided: {Voided})")]
    private static partial void LogCreditNoteReceived(
        ILogger logger, string eventId, string creditNoteId, string stripeInvoiceId, long amountMinor, string currency, bool voided);

    [LoggerMessage(EventId = 4115, Level = LogLevel.Information, Message = "Stripe event {EventId}: charge {ChargeId} refunded {AmountRefundedMinor} {Currency} so far")]
    private static partial void LogRefundReceived(ILogger logger, string eventId, string chargeId, long amountRefundedMinor, string currency);

    [LoggerMessage(EventId = 4116, Level = LogLevel.Information, Message = "Stripe event {EventId}: invoice {StripeInvoiceId} paid by {PaymentId}")]
    private static partial void LogInvoicePaymentReceived(ILogger logger, string eventId, string stripeInvoiceId, string paymentId);

    [LoggerMessage(EventId = 4113, Level = LogLevel.Warning, Message = "Stripe event {EventId}: {Problem}; the payment is recorded unapplied")]
    private static partial void LogMalformedAmount(ILogger logger, string eventId, string problem);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Warning, Message = "Stripe webhook rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "Stripe event {EventId} ({EventType}) ignored: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string eventId, string eventType, string reason);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Information,
        Message = "Stripe event {EventId}: invoice {InvoiceId} paid via {StripeInvoiceId}, {AmountPaidMinor} minor units {Currency}")]
    private static partial void LogPaymentReceived(
        ILogger logger, string eventId, InvoiceId invoiceId, string stripeInvoiceId, long amountPaidMinor, string currency);
}
