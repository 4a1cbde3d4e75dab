using Billing.Contracts.Payments;
using Billing.Domain.Payments;
using LinkOrDisputeAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<Billing.Contracts.Payments.StripeWebhookInvoicePayment>,
    Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<Billing.Contracts.Payments.StripeWebhookDispute>>;
using WebhookAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<Billing.Contracts.Payments.StripeWebhookRecorded>,
    Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<Billing.Contracts.Payments.StripeWebhookCreditNote>,
    Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<Billing.Contracts.Payments.StripeWebhookRefund>,
    Microsoft.AspNetCore.Http.HttpResults.Results<
        Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<Billing.Contracts.Payments.StripeWebhookInvoicePayment>,
        Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<Billing.Contracts.Payments.StripeWebhookDispute>>, // nested: Results takes at most six
    Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<Billing.Contracts.Payments.StripeWebhookIgnored>,
    Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<Billing.Contracts.Problems.ApiProblem>>;

namespace Billing.Functions.StripeWebhook;

/// <summary>
/// POST /api/v1/stripe/webhook. HTTP-only, so the host forwards the raw request; the body's bytes go to the verifier
/// untouched (no decoding, no BOM stripping). Bad signature → 400 with nothing stored; a verified event (<c>invoice.paid</c>,
/// <c>credit_note.created</c>, <c>credit_note.voided</c>, <c>charge.refunded</c>, <c>invoice_payment.paid</c>, <c>charge.dispute.*</c>) → 200, whatever it did to the invoice (the answer says: applied, unchanged or unapplied with the reason); a storage or contention failure,
/// or a stored row it must decide from changed outside the platform, → 503 so Stripe retries, and the retry completes whatever
/// the failed attempt left half done. Anonymous: the Stripe
/// signature is the authentication.
/// </summary>
public sealed partial class StripeWebhookFunction(
    StripeWebhookHandler handler,
    PaymentProcessor processor,
    CreditNoteProcessor creditNotes,
    RefundProcessor refunds,
    InvoicePaymentProcessor invoicePayments,
    DisputeProcessor disputes,
    ILogger<StripeWebhookFunction> logger)
{
    public const string Route = "/api/v1/stripe/webhook";
    private const int MaxBodyBytes = 1024 * 1024; // Stripe events are a few KiB; an invoice with many lines stays far below

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPost(Route, (HttpRequest r, StripeWebhookFunction f, CancellationToken ct) => f.InvokeAsync(r, ct))
            .WithName("StripeWebhook")
            .Produces<StripeWebhookRecorded>()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status503ServiceUnavailable)
            .JsonAnswer(typeof(StripeWebhookRecorded), typeof(StripeWebhookCreditNote), typeof(StripeWebhookRefund), typeof(StripeWebhookInvoicePayment), typeof(StripeWebhookDispute)); // a payment's, a credit note's, a refund's, an invoice payment's or a dispute's answer

    public async Task<WebhookAnswer> InvokeAsync(
        HttpRequest request, CancellationToken cancellationToken)
    {
        // Bounded before anything is known about the sender: the route is anonymous, so a body of any size must not be buffered whole.
        if (await BoundedRequestBody.ReadAsync(request, MaxBodyBytes, HandlerLimits.MaxWebhookRequestBytes, cancellationToken).ConfigureAwait(false) is not { } body)
        {
            string reason = $"a Stripe event is at most {MaxBodyBytes} bytes";
            return ApiProblems.Of(StatusCodes.Status413PayloadTooLarge, "Payload too large", reason, new ApiFieldError("$", reason));
        }

        switch (handler.Handle(body.AsMemory(), request.Headers[StripeWebhookVerifier.HeaderName].ToString()))
        {
            case WebhookOutcome.Rejected rejected:
                return ApiProblems.BadRequest(rejected.Reason, new ApiFieldError(StripeWebhookVerifier.HeaderName, rejected.Reason));
            case WebhookOutcome.Ignored ignored:
                return TypedResults.Json(new StripeWebhookIgnored(true, ignored.EventId, ignored.Reason), BillingJsonContext.Default.StripeWebhookIgnored);
            case WebhookOutcome.PaymentReceived paid:
                return await PaymentAsync(paid, cancellationToken).ConfigureAwait(false);
            case WebhookOutcome.CreditNoteReceived credited:
                return await CreditNoteAsync(credited.Note, cancellationToken).ConfigureAwait(false);
            case WebhookOutcome.RefundReceived refunded:
                return await RefundAsync(refunded.Refund, cancellationToken).ConfigureAwait(false);
            case WebhookOutcome.InvoicePaymentReceived paidBy:
                return await InvoicePaymentAsync(paidBy.Link, cancellationToken).ConfigureAwait(false);
            case WebhookOutcome.DisputeReceived disputed:
                return await DisputeAsync(disputed.Dispute, cancellationToken).ConfigureAwait(false);
            default:
                throw new InvalidOperationException("unexpected webhook outcome");
        }
    }

    /// <summary>An <c>invoice.paid</c>: 200 whatever it decided (applied, unchanged, unapplied with the reason).</summary>
    private Task<WebhookAnswer> PaymentAsync(
        WebhookOutcome.PaymentReceived paid, CancellationToken cancellationToken) =>
        RecordOrRetryAsync(paid.StripeEventId, $"payment of Stripe invoice {paid.StripeInvoiceId}{(paid.BillingInvoiceId is { } named ? $", its metadata naming invoice {named}" : "")}", () => processor.RecordAsync(paid, cancellationToken), outcome => TypedResults.Json(
            new StripeWebhookRecorded(true, paid.StripeEventId, outcome.InvoiceId, !outcome.NewPayment, outcome.Resolution.ToString().ToLowerInvariant(),
                outcome.Reason == UnappliedReason.None ? null : outcome.Reason.ToString(), outcome.Detail, outcome.InvoiceStatus, outcome.BurnId),
            BillingJsonContext.Default.StripeWebhookRecorded));

    /// <summary>
    /// A credit note: 200 whatever it did (a note that does not reconcile is recorded unapplied and reported, so Stripe need not
    /// retry a deterministic problem); 503 when storage failed transiently or its own event row cannot be read, and the retry
    /// finishes what was left.
    /// </summary>
    private Task<WebhookAnswer> CreditNoteAsync(
        IncomingCreditNote note, CancellationToken cancellationToken) =>
        RecordOrRetryAsync(note.EventId, $"credit note {note.CreditNoteId} of Stripe invoice {note.StripeInvoiceId}", () => creditNotes.RecordAsync(note, cancellationToken), outcome => TypedResults.Json(
            new StripeWebhookCreditNote(true, note.EventId, outcome.CreditNoteId, outcome.InvoiceId, !outcome.NewEvent, outcome.Resolution.ToString().ToLowerInvariant(),
                outcome.Reason == CreditNoteReason.None ? null : outcome.Reason.ToString(), outcome.Detail, outcome.BurnId, outcome.BurnStatus),
            BillingJsonContext.Default.StripeWebhookCreditNote));

    /// <summary>A refund: recorded for reconcile, 200 whatever it says; 503 when storage failed transiently or a row it is placed by cannot be read.</summary>
    private Task<WebhookAnswer> RefundAsync(
        IncomingRefund refund, CancellationToken cancellationToken) =>
        RecordOrRetryAsync(refund.EventId, $"refund of charge {refund.ChargeId}", () => refunds.RecordAsync(refund, cancellationToken), outcome => TypedResults.Json(
            new StripeWebhookRefund(true, refund.EventId, refund.ChargeId, outcome.InvoiceId, refund.AmountRefundedMinor, refund.Currency, outcome.Recorded),
            BillingJsonContext.Default.StripeWebhookRefund));

    /// <summary>Which payment paid a Stripe invoice: recorded to match refunds, 200; 503 when storage failed transiently or a row its refunds are placed by cannot be read.</summary>
    private Task<WebhookAnswer> InvoicePaymentAsync(
        InvoicePaymentLink link, CancellationToken cancellationToken) =>
        RecordOrRetryAsync(link.EventId, $"payment {link.PaymentId} of Stripe invoice {link.StripeInvoiceId}", () => invoicePayments.RecordAsync(link, cancellationToken), outcome => (LinkOrDisputeAnswer)TypedResults.Json(
            new StripeWebhookInvoicePayment(true, link.EventId, link.StripeInvoiceId, link.PaymentId, outcome.Recorded, outcome.RefundsMoved),
            BillingJsonContext.Default.StripeWebhookInvoicePayment));

    /// <summary>
    /// A dispute: recorded, 200 whatever it lacks (what it lacks is recorded and reported; a 4xx would make Stripe retry for
    /// days); 503 when storage failed transiently or a row it is placed by cannot be read.
    /// </summary>
    private Task<WebhookAnswer> DisputeAsync(
        IncomingDispute dispute, CancellationToken cancellationToken) =>
        RecordOrRetryAsync(dispute.EventId, $"dispute {dispute.DisputeId} of charge {dispute.ChargeId ?? "not named"}", () => disputes.RecordAsync(dispute, cancellationToken), outcome => (LinkOrDisputeAnswer)TypedResults.Json(
            new StripeWebhookDispute(true, dispute.EventId, dispute.DisputeId, dispute.ChargeId, outcome.Dispute.InvoiceId, outcome.Dispute.Status, outcome.Dispute.AmountMinor, outcome.Dispute.Currency, dispute.Problem, outcome.Recorded),
            BillingJsonContext.Default.StripeWebhookDispute));

    /// <summary>
    /// Records an event and answers what it did. 503, so Stripe retries, when a row the event is decided from was changed
    /// outside the platform (<see cref="InvalidDataException"/>, naming the row and property: every path reads such a row
    /// before writing anything it would decide from it, so the retry succeeds once the row is repaired) or a failure
    /// <see cref="StripeRetries"/>.
    /// </summary>
    private async Task<WebhookAnswer> RecordOrRetryAsync<T>(
        string eventId, string subject, Func<Task<T>> record, Func<T, WebhookAnswer> answer)
    {
        T outcome;
        try
        {
            outcome = await record().ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            // Fails the same way until someone repairs the row, which reconcile names meanwhile (its …Unreadable kinds). Not a
            // 500 (no platform failure) nor a 200 (the event would be lost): Stripe retries for up to three days.
            LogUnreadable(logger, eventId, subject, ex.Message);
            return TryAgain(eventId, ApiProblem.StorageIntegrityType);
        }
        catch (Exception ex) when (StripeRetries(ex))
        {
            // Nothing is lost: the rows written say where it stopped (a payment's unsettled marker: the timer settles it).
            LogTransient(logger, ex, eventId);
            return TryAgain(eventId);
        }

        return answer(outcome);
    }

    /// <summary>The 503 Stripe retries; typed <see cref="ApiProblem.StorageIntegrityType"/> when a stored row it is decided from cannot be read.</summary>
    private static WebhookAnswer TryAgain(string eventId, string? type = null) =>
        new Problem(StatusCodes.Status503ServiceUnavailable, "Try again", $"event {eventId} could not be recorded completely right now; it is safe to resend") { Type = type }.ToResult();

    /// <summary>
    /// Failures Stripe should retry (answered 503): the transient ones, any storage refusal, and a ledger entry booked
    /// differently before (left for reconcile; the retry finds it again rather than losing the event).
    /// </summary>
    private static bool StripeRetries(Exception ex) =>
        Billing.Application.Resilience.TransientFailures.IsTransient(ex) || ex is RequestFailedException or LedgerConflictException;

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe event {EventId} ({Subject}) not recorded: {Reason}. Nothing is decided from it until the row is repaired; answering 503 so Stripe retries")]
    private static partial void LogUnreadable(ILogger logger, string eventId, string subject, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe event {EventId}: recording failed transiently; answering 503 so Stripe retries")]
    private static partial void LogTransient(ILogger logger, Exception exception, string eventId);
}
