namespace Billing.Application.Payments;

/// <summary>
/// Records a verified <c>charge.refunded</c> (docs/design.md §4.15) with the invoice of ours the charge paid: the one synced
/// to or paid through the Stripe invoice the charge names (API versions before 2025), else the one paid through its payment
/// intent (an <c>invoice.paid</c> that named it), else the one <c>invoice_payment.paid</c> said its payment intent or the
/// charge paid (the current API version); with none (or several) found, reconcile goes by the charge's customer, and a link
/// that arrives later moves it (<see cref="InvoicePaymentProcessor"/>). Nothing is booked, settled or un-burned from it: a
/// refund is evidence that reconcile compares with the credit notes (<c>RefundWithoutCreditNote</c>, <c>RefundUnmatched</c>)
/// and that holds a burn not yet signed.
/// </summary>
public sealed class RefundProcessor(RefundStore refunds, InvoicePaymentLinkStore links, InvoiceStore invoices, PaymentStore payments)
{
    /// <summary>The invoice it was recorded under (null: unmatched) and whether it said anything new.</summary>
    public async Task<(string? InvoiceId, bool Recorded)> RecordAsync(IncomingRefund refund, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refund);
        var ids = refund.StripeInvoiceId is { } stripeInvoice
            ? await StripeInvoiceLinks.OurInvoicesAsync(invoices, payments, stripeInvoice, cancellationToken).ConfigureAwait(false)
            : [];
        if (ids.Count == 0 && refund.PaymentIntentId is { } intent)
        {
            ids = await payments.InvoicesPaidThroughAsync(intent, cancellationToken).ConfigureAwait(false);
        }

        if (ids.Count == 0)
        {
            ids = await StripeInvoiceLinks.PaidByAsync(links, invoices, payments, [refund.PaymentIntentId, refund.ChargeId], cancellationToken).ConfigureAwait(false);
        }

        string? invoiceId = ids.Count == 1 ? ids[0] : null;
        bool recorded = await refunds.RecordAsync(refund, invoiceId, cancellationToken).ConfigureAwait(false);
        return (invoiceId, recorded);
    }
}
