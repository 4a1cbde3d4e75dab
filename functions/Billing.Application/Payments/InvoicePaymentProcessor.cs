namespace Billing.Application.Payments;

/// <summary>
/// Records a verified <c>invoice_payment.paid</c>: which payment paid which Stripe invoice. Since API version 2025-03-31 it is
/// how a refunded charge (which names its payment intent, not its invoice) is matched to our invoice, so that reconcile
/// compares it with that invoice's credit notes and a refund outside them holds the invoice's burn. Refunds recorded before
/// the link arrived, with no invoice found, are moved under the invoice now. Nothing is booked from it.
/// </summary>
public sealed class InvoicePaymentProcessor(InvoicePaymentLinkStore links, RefundStore refunds, InvoiceStore invoices, PaymentStore payments)
{
    /// <summary>
    /// Records <paramref name="link"/>. The answer names our invoice the payment paid (null when no invoice of ours, or more
    /// than one, is paid by it: refunds on it are then compared by customer), whether the link was new, and how many refunded
    /// charges it moved under that invoice.
    /// </summary>
    public async Task<InvoicePaymentOutcome> RecordAsync(InvoicePaymentLink link, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        bool recorded = await links.RecordAsync(link, cancellationToken).ConfigureAwait(false);

        // Every invoice this payment paid, not only this event's: a payment intent paying two of ours matches neither.
        var ours = await StripeInvoiceLinks.PaidByAsync(links, invoices, payments, [link.PaymentId], cancellationToken).ConfigureAwait(false);
        if (ours.Count != 1)
        {
            return new(null, recorded, 0);
        }

        int moved = await refunds.AttachAsync(link.PaymentId, ours[0], cancellationToken).ConfigureAwait(false);
        return new(ours[0], recorded, moved);
    }
}
