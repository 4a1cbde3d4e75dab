using Billing.Domain.Payments;

namespace Billing.Payments;

/// <summary>
/// Reads <c>credit_note.created</c> and <c>credit_note.voided</c> from the verified event JSON. A credit note names its Stripe
/// invoice directly (<c>invoice</c>, an id); its amounts are integers of minor units: <c>amount</c> splits into
/// <c>pre_payment_amount</c> (off the amount due) and <c>post_payment_amount</c>, which splits into the <c>refunds</c>
/// (<c>amount_refunded</c> each), <c>out_of_band_amount</c> and the rest, credited to the customer balance. Read from the JSON
/// rather than Stripe.net's model so that an amount Stripe.net cannot read still records the note (unapplied), as for payments.
/// </summary>
internal static class StripeCreditNoteEvents
{
    public const string Created = "credit_note.created";
    public const string Voided = "credit_note.voided";

    public static bool Handles(string? type) => type is Created or Voided;

    /// <summary>The outcome of a verified credit note event; <see cref="WebhookOutcome.Rejected"/> when it carries no credit note.</summary>
    public static WebhookOutcome Read(JsonElement root)
    {
        string eventId = StripeJson.Text(root, "id") ?? "";
        string type = StripeJson.Text(root, "type") ?? "";
        if (!StripeJson.TryGetObject(root, "credit_note", out var note, out string creditNoteId))
        {
            return new WebhookOutcome.Rejected($"{type} event {eventId} does not carry a credit note object.");
        }

        // Unexpanded it is the invoice id; expanded, the invoice object with its id.
        string? stripeInvoiceId = StripeJson.Id(note, "invoice");
        if (stripeInvoiceId is not { Length: > 0 } || StripeJson.Text(note, "currency") is not { Length: > 0 } currency)
        {
            return new WebhookOutcome.Rejected($"Credit note {creditNoteId} in event {eventId} lacks an invoice or currency.");
        }

        var problems = new List<string>();
        long amount = Amount(note, "amount", problems) ?? 0;
        string kind = StripeJson.Text(note, "type") ?? "";
        long pre = Amount(note, "pre_payment_amount", problems) ?? (kind == "pre_payment" ? amount : 0);
        long post = Amount(note, "post_payment_amount", problems) ?? (kind == "post_payment" ? amount : 0);
        if (!note.TryGetProperty("post_payment_amount", out _) && kind is not ("pre_payment" or "post_payment"))
        {
            problems.Add($"type '{kind}' without pre_payment_amount and post_payment_amount");
        }

        long outOfBand = Amount(note, "out_of_band_amount", problems) ?? 0;
        long refunded = Refunded(note, problems);
        string? problem = problems.Count == 0 ? null : string.Join("; ", problems);
        bool voided = type == Voided || StripeJson.Text(note, "status") == "void";
        DateTimeOffset at = StripeJson.Time(voided ? note : default, "voided_at") ?? StripeJson.Time(note, "created") ?? StripeJson.Created(root);
        return new WebhookOutcome.CreditNoteReceived(new IncomingCreditNote(eventId, creditNoteId, stripeInvoiceId, type == Voided, currency.ToUpperInvariant(),
            problem is null ? new CreditNoteAmounts(amount, pre, post, refunded, outOfBand) : CreditNoteAmounts.Zero, at, problem));
    }

    /// <summary>An amount of the note (<see cref="StripeJson.Amount"/>).</summary>
    private static long? Amount(JsonElement obj, string name, List<string> problems) => StripeJson.Amount(obj, name, problems, "credit note");

    /// <summary>The sum of <c>refunds[].amount_refunded</c>; an API version that only names a <c>refund</c> cannot say how much.</summary>
    private static long Refunded(JsonElement note, List<string> problems)
    {
        if (note.TryGetProperty("refunds", out var refunds) && refunds.ValueKind == JsonValueKind.Array)
        {
            long sum = 0;
            foreach (var refund in refunds.EnumerateArray())
            {
                sum += Amount(refund, "amount_refunded", problems) ?? 0; // each at most 10^12: a 1 MiB event cannot overflow it
            }

            if (sum > StripeAmounts.MaxMinor)
            {
                problems.Add($"refunds add up to {sum}, more than any credit note");
            }

            return sum;
        }

        if (note.TryGetProperty("refund", out var named) && named.ValueKind == JsonValueKind.String)
        {
            // Named, read or not (a refund id that is not text is still a refund): the note cannot say how much went back.
            problems.Add($"refund {StripeJson.Text(note, "refund") ?? "(not text)"} is named without its amount (an API version before credit_note.refunds)");
        }

        return 0;
    }
}
