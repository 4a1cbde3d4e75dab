using System.Text.Json;
using Billing.Domain.Credits;

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
        string eventId = Text(root, "id") ?? "";
        string type = Text(root, "type") ?? "";
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("object", out var note) || note.ValueKind != JsonValueKind.Object
            || Text(note, "object") != "credit_note" || Text(note, "id") is not { Length: > 0 } creditNoteId)
        {
            return new WebhookOutcome.Rejected($"{type} event {eventId} does not carry a credit note object.");
        }

        // Unexpanded it is the invoice id; expanded, the invoice object with its id.
        string? stripeInvoiceId = Text(note, "invoice") ?? (note.TryGetProperty("invoice", out var inv) ? Text(inv, "id") : null);
        if (stripeInvoiceId is not { Length: > 0 } || Text(note, "currency") is not { Length: > 0 } currency)
        {
            return new WebhookOutcome.Rejected($"Credit note {creditNoteId} in event {eventId} lacks an invoice or currency.");
        }

        var problems = new List<string>();
        long amount = Amount(note, "amount", problems) ?? 0;
        string kind = Text(note, "type") ?? "";
        long pre = Amount(note, "pre_payment_amount", problems) ?? (kind == "pre_payment" ? amount : 0);
        long post = Amount(note, "post_payment_amount", problems) ?? (kind == "post_payment" ? amount : 0);
        if (!note.TryGetProperty("post_payment_amount", out _) && kind is not ("pre_payment" or "post_payment"))
        {
            problems.Add($"type '{kind}' without pre_payment_amount and post_payment_amount");
        }

        long outOfBand = Amount(note, "out_of_band_amount", problems) ?? 0;
        long refunded = Refunded(note, problems);
        string? problem = problems.Count == 0 ? null : string.Join("; ", problems);
        bool voided = type == Voided || Text(note, "status") == "void";
        DateTimeOffset at = Time(voided ? note : default, "voided_at") ?? Time(note, "created") ?? Time(root, "created") ?? DateTimeOffset.UnixEpoch;
        return new WebhookOutcome.CreditNoteReceived(new IncomingCreditNote(eventId, creditNoteId, stripeInvoiceId, type == Voided, currency.ToUpperInvariant(),
            problem is null ? new CreditNoteAmounts(amount, pre, post, refunded, outOfBand) : CreditNoteAmounts.Zero, at, problem));
    }

    /// <summary>The sum of <c>refunds[].amount_refunded</c>; an API version that only names a <c>refund</c> cannot say how much.</summary>
    private static long Refunded(JsonElement note, List<string> problems)
    {
        if (note.TryGetProperty("refunds", out var refunds) && refunds.ValueKind == JsonValueKind.Array)
        {
            long sum = 0;
            foreach (var refund in refunds.EnumerateArray())
            {
                sum = checked(sum + (Amount(refund, "amount_refunded", problems) ?? 0));
            }

            return sum;
        }

        if (Text(note, "refund") is { } refundId)
        {
            problems.Add($"refund {refundId} is named without its amount (an API version before credit_note.refunds)");
        }

        return 0;
    }

    /// <summary>An integer of minor units; null when absent or null. Anything else is a problem (added to <paramref name="problems"/>, when given).</summary>
    private static long? Amount(JsonElement obj, string name, List<string>? problems)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long amount) && amount >= 0)
        {
            return amount;
        }

        string raw = value.GetRawText();
        problems?.Add($"{name} {(raw.Length > 40 ? raw[..40] + "…" : raw)} is not a non-negative integer of minor units");
        return null;
    }

    private static DateTimeOffset? Time(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
        && v.TryGetInt64(out long unix) && unix is >= 0 and < 253402300800
            ? DateTimeOffset.FromUnixTimeSeconds(unix)
            : null;

    private static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
