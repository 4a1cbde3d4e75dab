namespace Billing.Application.Burns;

/// <summary>
/// Whether a burn row is the burn of the records it names, the one rule the executor (which holds a row that is not, before
/// signing: <c>BurnExecutor.Sources.cs</c>) and reconcile (<c>BurnRowMismatch</c>) apply. A row can be planted or rewritten by
/// anyone with storage access; what it converts is derived from these records, never taken from the row alone.
/// </summary>
internal static class BurnSources
{
    /// <summary>
    /// Why <paramref name="burn"/> is not the burn of its invoice, or null when it is: its id is the invoice's burn's (one burn per
    /// invoice), the invoice exists, of the burn's payer and currency, and the payment the burn names is recorded under that
    /// invoice, applied (<paramref name="payment"/>: that record, null when there is none).
    /// </summary>
    public static string? Disagreement(BurnIntent burn, Invoice? invoice, PaymentRecord? payment)
    {
        string expected = BurnIntent.IdFor(burn.InvoiceId);
        if (!string.Equals(burn.Id, expected, StringComparison.Ordinal))
        {
            return $"{burn.Id} is not the burn of {burn.InvoiceId} ({expected}): an invoice has one burn";
        }

        if (invoice is null)
        {
            return $"invoice {burn.InvoiceId} does not exist";
        }

        if (!string.Equals(burn.Payer, invoice.Payer, StringComparison.Ordinal) || !string.Equals(burn.Currency, invoice.Currency.Code, StringComparison.Ordinal))
        {
            return $"the burn is of {burn.Payer} in {burn.Currency}, invoice {burn.InvoiceId} of {invoice.Payer} in {invoice.Currency.Code}";
        }

        return payment is { Resolution: PaymentResolution.Applied } && string.Equals(payment.InvoiceId, burn.InvoiceId, StringComparison.Ordinal)
            ? null
            : $"payment {burn.PaymentId} is not recorded as applied to {burn.InvoiceId}";
    }
}
