using System.Text;
using System.Text.Json.Nodes;
using Billing.Functions.Burns;
using Billing.Functions.Infrastructure;
using Billing.Payments;

namespace Billing.Functions.StripeWebhook;

/// <summary>
/// POST /api/v1/stripe/webhook. HTTP-only, so the host forwards the raw request and the body bytes that were signed
/// reach the verifier untouched. Bad signature → 400 with nothing stored; anything verified → 200 (Stripe stops retrying).
/// </summary>
public sealed class StripeWebhookFunction(StripeWebhookHandler handler, PaymentProcessor processor)
{
    public async Task<IResult> InvokeAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        switch (handler.Handle(body, request.Headers[StripeWebhookVerifier.HeaderName].ToString()))
        {
            case WebhookOutcome.Rejected rejected:
                return Problem.BadRequest(rejected.Reason, new FieldError(StripeWebhookVerifier.HeaderName, rejected.Reason)).ToResult();
            case WebhookOutcome.Ignored ignored:
                return Results.Text(new JsonObject { ["received"] = true, ["eventId"] = ignored.EventId, ["ignored"] = ignored.Reason }.ToJsonString(), "application/json");
            case WebhookOutcome.PaymentReceived paid:
                var outcome = await processor.RecordAsync(paid, cancellationToken).ConfigureAwait(false);
                return Results.Text(new JsonObject
                {
                    ["received"] = true,
                    ["eventId"] = paid.StripeEventId,
                    ["invoiceId"] = outcome.InvoiceId,
                    ["replay"] = !outcome.NewPayment,
                    ["burnId"] = outcome.BurnId,
                }.ToJsonString(), "application/json");
            default:
                throw new InvalidOperationException("unexpected webhook outcome");
        }
    }
}
