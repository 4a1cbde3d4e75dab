namespace Billing.Payments;

/// <summary>
/// Reads <c>charge.refunded</c> from the verified event JSON: the charge's id, <c>amount_refunded</c> (cumulative, integer
/// minor units), <c>currency</c>, and what links it to an invoice: <c>invoice</c> (API versions before 2025),
/// <c>payment_intent</c> and <c>customer</c>, each an id or the expanded object. Read from the JSON rather than Stripe.net's model, so that a
/// field the model of the current API version no longer has is still read, and an unreadable amount is still recorded.
/// </summary>
internal static class StripeRefundEvents
{
    public const string ChargeRefunded = "charge.refunded";

    public static bool Handles(string? type) => type == ChargeRefunded;

    /// <summary>The outcome of a verified <c>charge.refunded</c>; <see cref="WebhookOutcome.Rejected"/> when it carries no charge.</summary>
    public static WebhookOutcome Read(JsonElement root)
    {
        string eventId = StripeJson.Text(root, "id") ?? "";
        if (!StripeJson.TryGetObject(root, "charge", out var charge, out string chargeId))
        {
            return new WebhookOutcome.Rejected($"{ChargeRefunded} event {eventId} does not carry a charge object.");
        }

        if (StripeJson.Text(charge, "currency") is not { Length: > 0 } currency)
        {
            return new WebhookOutcome.Rejected($"Charge {chargeId} in event {eventId} lacks a currency.");
        }

        var problems = new List<string>();
        long? refunded = StripeJson.RequiredAmount(charge, "amount_refunded", problems, "charge");

        return new WebhookOutcome.RefundReceived(new IncomingRefund(
            eventId,
            chargeId,
            StripeJson.Id(charge, "payment_intent"),
            StripeJson.Id(charge, "invoice"),
            StripeJson.Id(charge, "customer"),
            refunded ?? 0,
            currency.ToUpperInvariant(),
            StripeJson.Created(root),
            problems.Count == 0 ? null : string.Join("; ", problems)));
    }
}
