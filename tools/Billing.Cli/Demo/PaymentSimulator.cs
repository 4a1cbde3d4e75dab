using Billing.StripeSimulator;

namespace Billing.Cli.Demo;

/// <summary>The outcome of a simulated Stripe payment.</summary>
public sealed record PaymentResult(string InvoiceId, long AmountMinor, string Currency, string EventId, int Status, string Body);

/// <summary>
/// Pays an invoice the way Stripe would tell the platform: an <c>invoice.paid</c> event for the invoice, signed with the
/// webhook secret, posted to <c>/api/v1/stripe/webhook</c>. The event id is derived from the invoice and amount, so
/// paying twice is a replay the platform ignores.
/// </summary>
public sealed class PaymentSimulator(ApiClient api, TimeProvider time)
{
    public const string LocalWebhookSecret = "whsec_dev_local_only";

    public async Task<PaymentResult> PayAsync(string invoiceId, string financeKey, long? amountMinor, string webhookSecret, CancellationToken cancellationToken)
    {
        var invoice = ApiResponseReader.Invoice(await api.GetJsonAsync("/api/v1/invoices/" + Uri.EscapeDataString(invoiceId), financeKey, cancellationToken).ConfigureAwait(false))
            ?? throw new OperationFailedException($"invoice {invoiceId}: the API returned no invoice object");
        long amount = amountMinor ?? invoice.TotalMinor;
        if (amount <= 0)
        {
            throw new OperationFailedException($"invoice {invoiceId} totals {amount} minor units; nothing to pay");
        }

        string currency = invoice.Currency ?? "USD";
        string payer = invoice.Payer ?? "unknown";
        string tag = Sanitize(invoiceId);
        string stripeInvoiceId = invoice.StripeInvoiceId is { Length: > 0 } s ? s : "in_local_" + tag;
        string eventId = $"evt_local_{tag}_{amount}";
        var now = time.GetUtcNow();
        string payload = StripeTestEvents.InvoicePaid(eventId, stripeInvoiceId, invoiceId, amount, currency, "cus_local_" + Sanitize(payer), now);
        string signature = StripeWebhookSigner.Sign(payload, webhookSecret, now);
        var response = await api.SendOkAsync(
            new ApiRequest(HttpMethod.Post, "/api/v1/stripe/webhook", Key: null)
            {
                Body = payload,
                ContentType = "application/json",
                Headers = new Dictionary<string, string> { ["Stripe-Signature"] = signature },
            },
            cancellationToken).ConfigureAwait(false);
        return new PaymentResult(invoiceId, amount, currency, eventId, response.Status, response.Body);
    }

    private static string Sanitize(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        return sb.ToString();
    }
}
