namespace Billing.Payments;

/// <summary>
/// Reads <c>charge.dispute.*</c> (created, updated, funds_withdrawn, funds_reinstated, closed) from the verified event JSON: the
/// dispute's id, <c>charge</c>, <c>payment_intent</c> (each an id or the expanded object), <c>amount</c> (integer minor units),
/// <c>currency</c>, <c>status</c> and <c>reason</c>. Never rejected for what it lacks: Stripe retries a 4xx for days, so an event
/// whose signature is good but that lacks a field is still recorded, with the problem, and reported by reconcile.
/// </summary>
internal static class StripeDisputeEvents
{
    public const string Prefix = "charge.dispute.";

    /// <summary>Longer than any status, reason or currency Stripe sends; a longer one is read as not named, so no row holds an unbounded text from it.</summary>
    private const int MaxWordChars = 64;

    public static bool Handles(string? type) => type is not null && type.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The outcome of a verified <c>charge.dispute.*</c>: always a <see cref="WebhookOutcome.DisputeReceived"/>.</summary>
    public static WebhookOutcome Read(JsonElement root, string type)
    {
        type = type.Length <= MaxWordChars ? type : type[..MaxWordChars];
        string eventId = StripeJson.Text(root, "id") ?? "";
        var problems = new List<string>();
        var at = StripeJson.Created(root);
        if (!StripeJson.TryGetObject(root, "dispute", out var dispute, out string disputeId))
        {
            // Kept under the event's own id, so it is reported rather than lost.
            problems.Add("the event carries no dispute object with an id");
            return new WebhookOutcome.DisputeReceived(new IncomingDispute(eventId, type, eventId, null, null, null, null, null, null, at, string.Join("; ", problems)));
        }

        string? chargeId = StripeJson.Id(dispute, "charge");
        if (chargeId is null)
        {
            problems.Add("charge is missing");
        }

        long? amount = StripeJson.RequiredAmount(dispute, "amount", problems, "dispute");

        string? currency = StripeJson.Text(dispute, "currency") is { Length: > 0 and <= MaxWordChars } c ? c.ToUpperInvariant() : null;
        if (currency is null)
        {
            problems.Add("currency is missing");
        }

        string? status = StripeJson.Text(dispute, "status") is { Length: > 0 and <= MaxWordChars } s ? s : null;
        if (status is null)
        {
            problems.Add("status is missing or not a status");
        }
        else if (!DisputeStatuses.IsKnown(status))
        {
            problems.Add($"status {StripeJson.Excerpt(dispute.GetProperty("status"))} is not one Stripe documents; it holds the burn as an open dispute does");
        }

        return new WebhookOutcome.DisputeReceived(new IncomingDispute(
            eventId, type, disputeId, chargeId, StripeJson.Id(dispute, "payment_intent"), amount, currency, status, StripeJson.Text(dispute, "reason") is { Length: <= MaxWordChars } r ? r : null, at,
            problems.Count == 0 ? null : string.Join("; ", problems)));
    }
}
