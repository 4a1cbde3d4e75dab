namespace Billing.Application.Payments;

/// <summary>Which invoices of ours a Stripe invoice belongs to, for the Stripe events that name only it (credit notes, refunds).</summary>
internal static class StripeInvoiceLinks
{
    /// <summary>The invoices stored as synced to <paramref name="stripeInvoiceId"/>, or named by a payment recorded from it; ordinal.</summary>
    public static async Task<IReadOnlyList<string>> OurInvoicesAsync(InvoiceStore invoices, PaymentStore payments, string stripeInvoiceId, CancellationToken cancellationToken)
    {
        var synced = await invoices.FindByStripeInvoiceIdAsync(stripeInvoiceId, cancellationToken).ConfigureAwait(false);
        var paid = await payments.InvoicesPaidByAsync(stripeInvoiceId, cancellationToken).ConfigureAwait(false);
        return [.. synced.Concat(paid).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }
}
