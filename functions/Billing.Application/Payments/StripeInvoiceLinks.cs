namespace Billing.Application.Payments;

/// <summary>Which invoices of ours a Stripe invoice, or a payment, belongs to, for the Stripe events that name only that (credit notes, refunds, invoice payments).</summary>
internal static class StripeInvoiceLinks
{
    /// <summary>The invoices stored as synced to <paramref name="stripeInvoiceId"/>, or named by a payment recorded from it; ordinal.</summary>
    public static async Task<IReadOnlyList<string>> OurInvoicesAsync(InvoiceStore invoices, PaymentStore payments, string stripeInvoiceId, CancellationToken cancellationToken)
    {
        var synced = await invoices.FindByStripeInvoiceIdAsync(stripeInvoiceId, cancellationToken).ConfigureAwait(false);
        var paid = await payments.InvoicesPaidByAsync(stripeInvoiceId, cancellationToken).ConfigureAwait(false);
        return [.. synced.Concat(paid).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Our invoices of the Stripe invoices that <c>invoice_payment.paid</c> said the given payments (payment intents or charges;
    /// nulls skipped) paid; ordinal.
    /// </summary>
    public static async Task<IReadOnlyList<string>> PaidByAsync(
        InvoicePaymentLinkStore links, InvoiceStore invoices, PaymentStore payments, IEnumerable<string?> paymentIds, CancellationToken cancellationToken)
    {
        var ours = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string paymentId in paymentIds.OfType<string>().Where(id => id.Length > 0).Distinct(StringComparer.Ordinal))
        {
            foreach (string stripeInvoiceId in await links.StripeInvoicesPaidByAsync(paymentId, cancellationToken).ConfigureAwait(false))
            {
                ours.UnionWith(await OurInvoicesAsync(invoices, payments, stripeInvoiceId, cancellationToken).ConfigureAwait(false));
            }
        }

        return [.. ours];
    }
}
