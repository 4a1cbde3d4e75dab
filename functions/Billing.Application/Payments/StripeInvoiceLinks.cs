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

    /// <summary>
    /// Which invoices of ours a charge paid, from what it and the stores know now. In order: the Stripe invoice the charge names
    /// (API versions before 2025); the invoices whose <c>invoice.paid</c> named its payment intent; the invoices
    /// <c>invoice_payment.paid</c> said its payment intent, or the charge, paid. The first of these that finds anything decides;
    /// none found is empty. Shared by refunds and disputes, which both name a charge and not our invoice.
    /// </summary>
    public static async Task<IReadOnlyList<string>> OfChargeAsync(
        InvoicePaymentLinkStore links, InvoiceStore invoices, PaymentStore payments, string? chargeId, string? paymentIntentId, string? stripeInvoiceId, CancellationToken cancellationToken)
    {
        if (stripeInvoiceId is not null
            && await OurInvoicesAsync(invoices, payments, stripeInvoiceId, cancellationToken).ConfigureAwait(false) is { Count: > 0 } named)
        {
            return named;
        }

        if (paymentIntentId is not null
            && await payments.InvoicesPaidThroughAsync(paymentIntentId, cancellationToken).ConfigureAwait(false) is { Count: > 0 } paidThrough)
        {
            return paidThrough;
        }

        return await PaidByAsync(links, invoices, payments, [paymentIntentId, chargeId], cancellationToken).ConfigureAwait(false);
    }
}
