namespace Billing.Application.Payments;

/// <summary>
/// Which invoice of ours a refunded charge goes under, decided from everything its row and the stores know now, and decided
/// again whenever either side of a link arrives (the refund, or <c>invoice_payment.paid</c>), each after writing its own
/// row, so whichever comes second sees the other. In order: the Stripe invoice the charge names (API versions before 2025);
/// the invoices whose <c>invoice.paid</c> named its payment intent; the invoices <c>invoice_payment.paid</c> said its payment
/// intent, or the charge, paid. The first of these that finds anything decides: one invoice places the charge under it;
/// several (one payment that paid two of ours) place it under none, so reconcile compares it by customer, even if a link
/// seen earlier had placed it; none leaves it where it is.
/// </summary>
public sealed class RefundPlacement(RefundStore refunds, InvoicePaymentLinkStore links, InvoiceStore invoices, PaymentStore payments)
{
    private const int MaxAttempts = 5;

    /// <summary>
    /// The charge's invoice once placed (null: none), and whether that changed. A row missing is left as it is; a refund or link
    /// row that cannot be read throws <see cref="InvalidDataException"/> before the charge's row is written.
    /// </summary>
    public async Task<(string? InvoiceId, bool Changed)> PlaceAsync(string chargeId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(chargeId);
        for (int attempt = 1; ; attempt++)
        {
            if (await refunds.GetAsync(chargeId, cancellationToken).ConfigureAwait(false) is not var (record, etag))
            {
                return (null, false);
            }

            var found = await InvoicesOfAsync(record, cancellationToken).ConfigureAwait(false);
            string? invoiceId = found.Count switch { 0 => record.InvoiceId, 1 => found[0], _ => null };
            if (invoiceId == record.InvoiceId)
            {
                return (invoiceId, false);
            }

            if (await refunds.TryPlaceAsync(record, etag, invoiceId, cancellationToken).ConfigureAwait(false))
            {
                return (invoiceId, true);
            }

            if (attempt == MaxAttempts)
            {
                throw new Azure.RequestFailedException(412, $"refund row of charge {chargeId} kept changing while being placed");
            }
        }
    }

    private async Task<IReadOnlyList<string>> InvoicesOfAsync(RefundRecord charge, CancellationToken cancellationToken)
    {
        if (charge.StripeInvoiceId is { } stripeInvoice
            && await StripeInvoiceLinks.OurInvoicesAsync(invoices, payments, stripeInvoice, cancellationToken).ConfigureAwait(false) is { Count: > 0 } named)
        {
            return named;
        }

        if (charge.PaymentIntentId is { } intent
            && await payments.InvoicesPaidThroughAsync(intent, cancellationToken).ConfigureAwait(false) is { Count: > 0 } paidThrough)
        {
            return paidThrough;
        }

        return await StripeInvoiceLinks.PaidByAsync(links, invoices, payments, [charge.PaymentIntentId, charge.ChargeId], cancellationToken).ConfigureAwait(false);
    }
}
