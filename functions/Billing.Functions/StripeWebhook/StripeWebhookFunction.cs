using Azure;
using System.Text.Json.Nodes;
using Billing.Functions.Burns;
using Billing.Functions.Infrastructure;
using Billing.Domain.Payments;
using Billing.Payments;
using Billing.Storage.Ledger;

namespace Billing.Functions.StripeWebhook;

/// <summary>
/// POST /api/v1/stripe/webhook. HTTP-only, so the host forwards the raw request; the body's bytes go to the verifier
/// untouched (no decoding, no BOM stripping). Bad signature → 400 with nothing stored; a verified event → 200, whatever it
/// did to the invoice (the answer says: applied, unchanged or unapplied with the reason); a storage or contention failure
/// → 503 so Stripe retries, and the retry completes whatever the failed attempt left half done.
/// </summary>
public sealed partial class StripeWebhookFunction(StripeWebhookHandler handler, PaymentProcessor processor, ILogger<StripeWebhookFunction> logger)
{
    private const int MaxBodyBytes = 1024 * 1024; // Stripe events are a few KiB; an invoice with many lines stays far below

    public async Task<IResult> InvokeAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (buffer.Length > MaxBodyBytes)
        {
            return new Problem(413, "Payload too large", $"a Stripe event is at most {MaxBodyBytes} bytes").ToResult();
        }

        switch (handler.Handle(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), request.Headers[StripeWebhookVerifier.HeaderName].ToString()))
        {
            case WebhookOutcome.Rejected rejected:
                return Problem.BadRequest(rejected.Reason, new FieldError(StripeWebhookVerifier.HeaderName, rejected.Reason)).ToResult();
            case WebhookOutcome.Ignored ignored:
                return Results.Text(new JsonObject { ["received"] = true, ["eventId"] = ignored.EventId, ["ignored"] = ignored.Reason }.ToJsonString(), "application/json");
            case WebhookOutcome.PaymentReceived paid:
                PaymentOutcome outcome;
                try
                {
                    outcome = await processor.RecordAsync(paid, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RequestFailedException or PaymentContentionException or LedgerContentionException or LedgerConflictException or InvalidDataException or HttpRequestException or TimeoutException)
                {
                    // Nothing is lost: the unsettled marker and the event row say where it stopped; Stripe retries and the timer settles.
                    LogTransient(logger, ex, paid.StripeEventId);
                    return new Problem(503, "Try again", $"event {paid.StripeEventId} could not be recorded completely right now; it is safe to resend").ToResult();
                }

                return Results.Text(new JsonObject
                {
                    ["received"] = true,
                    ["eventId"] = paid.StripeEventId,
                    ["invoiceId"] = outcome.InvoiceId,
                    ["replay"] = !outcome.NewPayment,
                    ["resolution"] = outcome.Resolution.ToString().ToLowerInvariant(),
                    ["reason"] = outcome.Reason == UnappliedReason.None ? null : outcome.Reason.ToString(),
                    ["detail"] = outcome.Detail,
                    ["invoiceStatus"] = outcome.InvoiceStatus,
                    ["burnId"] = outcome.BurnId,
                }.ToJsonString(), "application/json");
            default:
                throw new InvalidOperationException("unexpected webhook outcome");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe event {EventId}: recording failed transiently; answering 503 so Stripe retries")]
    private static partial void LogTransient(ILogger logger, Exception exception, string eventId);
}
