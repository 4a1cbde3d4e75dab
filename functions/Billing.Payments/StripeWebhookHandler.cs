namespace Billing.Payments;

/// <summary>
/// Turns a raw Stripe webhook request into a <see cref="WebhookOutcome"/>: verifies the signature and timestamp, parses
/// the event's JSON and recognises <c>invoice.paid</c> (<see cref="StripeInvoicePaidEvents"/>: whether it is of an invoice of
/// ours is decided by the caller, from the Stripe invoice the platform synced and the <c>metadata.billing_invoice_id</c>), <c>credit_note.created</c>/<c>credit_note.voided</c> (<see cref="StripeCreditNoteEvents"/>) and
/// <c>charge.refunded</c> (<see cref="StripeRefundEvents"/>), <c>charge.dispute.*</c> (<see cref="StripeDisputeEvents"/>) and <c>invoice_payment.paid</c> (<see cref="StripeInvoicePaymentEvents"/>). Stateless and side-effect free apart from logging; deduplication by Stripe
/// event id belongs to the caller (see <see cref="WebhookOutcome"/>).
/// </summary>
public sealed partial class StripeWebhookHandler
{
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

                if (p.MetadataProblem is not null)
                {
                    LogMetadataProblem(_logger, p.StripeEventId, p.StripeInvoiceId, p.MetadataProblem);
                }

                break;
            case WebhookOutcome.CreditNoteReceived c:
                LogCreditNoteReceived(_logger, c.Note.EventId, c.Note.CreditNoteId, c.Note.StripeInvoiceId, c.Note.Amounts.AmountMinor, c.Note.Currency, c.Note.Voided);
                break;
            case WebhookOutcome.RefundReceived r:
                LogRefundReceived(_logger, r.Refund.EventId, r.Refund.ChargeId, r.Refund.AmountRefundedMinor, r.Refund.Currency);
                break;
            case WebhookOutcome.DisputeReceived d:
                LogDisputeReceived(_logger, d.Dispute.EventId, d.Dispute.EventType, d.Dispute.DisputeId, d.Dispute.ChargeId, d.Dispute.Status);
                if (d.Dispute.Problem is not null)
                {
                    LogDisputeProblem(_logger, d.Dispute.EventId, d.Dispute.Problem);
                }

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
        if (!System.Text.Unicode.Utf8.IsValid(json.Span))
        {
            return new WebhookOutcome.Rejected("Body is not valid UTF-8.");
        }

        // Parsed as every untrusted JSON is: a duplicate key (which two readers could each take differently) or a property
        // name that is no text (an escaped lone surrogate, on which every later lookup in its object would throw) is not JSON we read.
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
            JsonElement root = document.RootElement;
            if (StripeJson.Text(root, "id") is not { Length: > 0 } eventId || StripeJson.Text(root, "type") is not { Length: > 0 } type)
            {
                return new WebhookOutcome.Rejected("Body is not a Stripe event (missing id or type).");
            }

            if (!StripeJson.IsId(eventId))
            {
                return new WebhookOutcome.Rejected($"Body is not a Stripe event: its id is not 1 to {StripeJson.MaxIdChars} letters, digits, '_' or '-'.");
            }

            WebhookOutcome read = ReadFromJson(type, root) ?? new WebhookOutcome.Ignored(eventId, type, "Event type is not handled.");
            if (read is WebhookOutcome.Rejected or WebhookOutcome.Ignored || OtherMode(root) is not { } otherMode)
            {
                return read;
            }

            LogOtherMode(_logger, eventId, type, otherMode);
            return read is WebhookOutcome.PaymentReceived paid
                ? paid with { LivemodeMismatch = otherMode } // kept, so that it is reported: money someone believes was paid
                : new WebhookOutcome.Ignored(eventId, type, $"Not this deployment's money: {otherMode}.");
        }
    }

    /// <summary>
    /// Why the event is of the other Stripe mode than the API key's, or null (the same mode, or no key to tell). Stripe keeps
    /// test and live data apart and a webhook endpoint belongs to one mode, so a mismatch is the secret of the other mode's
    /// endpoint configured here: a test card's payment would otherwise burn real tokens, or live money be taken for a test.
    /// An event that does not say its mode (Stripe's always do) is not taken for either.
    /// </summary>
    private string? OtherMode(JsonElement root)
    {
        if (_options.KeyLivemode is not { } keyLive)
        {
            return null;
        }

        string key = keyLive ? "the Stripe API key a live-mode key" : "the Stripe API key a test-mode key";
        return root.TryGetProperty("livemode", out JsonElement mode) && mode.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? mode.GetBoolean() == keyLive ? null
                : mode.GetBoolean() ? $"the event is a live-mode event (livemode true) and {key}" : $"the event is a test-mode event (livemode false) and {key}"
            : "the event does not say whether it is a live-mode or test-mode event (livemode is no boolean)";
    }

    /// <summary>
    /// The events this platform handles, each read from the JSON field by field rather than through Stripe.net's model of
    /// one API version (whose whole event fails on any field of another type); null for any other type.
    /// </summary>
    private static WebhookOutcome? ReadFromJson(string type, JsonElement root) =>
        StripeInvoicePaidEvents.Handles(type) ? StripeInvoicePaidEvents.Read(root)
        : StripeCreditNoteEvents.Handles(type) ? StripeCreditNoteEvents.Read(root)
        : StripeRefundEvents.Handles(type) ? StripeRefundEvents.Read(root)
        : StripeInvoicePaymentEvents.Handles(type) ? StripeInvoicePaymentEvents.Read(root)
        : StripeDisputeEvents.Handles(type) ? StripeDisputeEvents.Read(root, type)
        : null;

    [LoggerMessage(EventId = 4129, Level = LogLevel.Error,
        Message = "Stripe event {EventId} ({EventType}) is not acted on: {Why}. Is the webhook secret of this mode's endpoint configured?")]
    private static partial void LogOtherMode(ILogger logger, string eventId, string eventType, string why);

    [LoggerMessage(EventId = 4114, Level = LogLevel.Information,
        Message = "Stripe event {EventId}: credit note {CreditNoteId} on {StripeInvoiceId}, {AmountMinor} minor units {Currency} (voided: {Voided})")]
    private static partial void LogCreditNoteReceived(
        ILogger logger, string eventId, string creditNoteId, string stripeInvoiceId, long amountMinor, string currency, bool voided);

    [LoggerMessage(EventId = 4115, Level = LogLevel.Information, Message = "Stripe event {EventId}: charge {ChargeId} refunded {AmountRefundedMinor} {Currency} so far")]
    private static partial void LogRefundReceived(ILogger logger, string eventId, string chargeId, long amountRefundedMinor, string currency);

    [LoggerMessage(EventId = 4116, Level = LogLevel.Information, Message = "Stripe event {EventId}: invoice {StripeInvoiceId} paid by {PaymentId}")]
    private static partial void LogInvoicePaymentReceived(ILogger logger, string eventId, string stripeInvoiceId, string paymentId);

    [LoggerMessage(EventId = 4118, Level = LogLevel.Information, Message = "Stripe event {EventId} ({EventType}): dispute {DisputeId} of charge {ChargeId}, status {Status}")]
    private static partial void LogDisputeReceived(ILogger logger, string eventId, string eventType, string disputeId, string? chargeId, string? status);

    [LoggerMessage(EventId = 4119, Level = LogLevel.Warning, Message = "Stripe event {EventId}: {Problem}; the dispute is recorded with what could be read and reported")]
    private static partial void LogDisputeProblem(ILogger logger, string eventId, string problem);

    [LoggerMessage(EventId = 4113, Level = LogLevel.Warning, Message = "Stripe event {EventId}: {Problem}; the payment is recorded unapplied")]
    private static partial void LogMalformedAmount(ILogger logger, string eventId, string problem);

    [LoggerMessage(EventId = 4117, Level = LogLevel.Warning,
        Message = "Stripe event {EventId}: Stripe invoice {StripeInvoiceId} names no invoice of ours ({Problem}); it applies to the invoice it was synced from, else it is recorded unapplied")]
    private static partial void LogMetadataProblem(ILogger logger, string eventId, string stripeInvoiceId, string problem);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Warning, Message = "Stripe webhook rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "Stripe event {EventId} ({EventType}) ignored: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string eventId, string eventType, string reason);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Information,
        Message = "Stripe event {EventId}: invoice {InvoiceId} (as its metadata names it) paid via {StripeInvoiceId}, {AmountPaidMinor} minor units {Currency}")]
    private static partial void LogPaymentReceived(
        ILogger logger, string eventId, InvoiceId? invoiceId, string stripeInvoiceId, long amountPaidMinor, string currency);
}
