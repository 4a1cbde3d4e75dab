namespace Billing.Application.Payments;

/// <summary>
/// Which invoice of ours a refunded (or disputed: <see cref="PlaceDisputeAsync"/>) charge goes under, decided from everything its row and the stores know now, and decided
/// again whenever either side of a link arrives (the refund, or <c>invoice_payment.paid</c>), each after writing its own
/// row, so whichever comes second sees the other (<see cref="StripeInvoiceLinks.OfChargeAsync"/> says in which order the links
/// are tried). One invoice places the charge under it;
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
    public Task<(string? InvoiceId, bool Changed)> PlaceAsync(string chargeId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(chargeId);
        return PlaceRowAsync(
            () => refunds.GetAsync(chargeId, cancellationToken),
            r => (r.InvoiceId, r.ChargeId, r.PaymentIntentId, r.StripeInvoiceId),
            (r, etag, invoiceId) => refunds.TryPlaceAsync(r, etag, invoiceId, cancellationToken),
            $"refund row of charge {chargeId}",
            cancellationToken);
    }

    /// <summary>
    /// The dispute's invoice once placed (null: none), and whether that changed: its charge placed as a refunded charge is
    /// (a dispute names its charge and payment intent, never an invoice). A row missing is left as it is.
    /// </summary>
    public Task<(string? InvoiceId, bool Changed)> PlaceDisputeAsync(string disputeId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(disputeId);
        return PlaceRowAsync(
            () => refunds.Disputes.GetAsync(disputeId, cancellationToken),
            d => (d.InvoiceId, d.ChargeId, d.PaymentIntentId, null),
            (d, etag, invoiceId) => refunds.Disputes.TryPlaceAsync(d, etag, invoiceId, cancellationToken),
            $"dispute row {disputeId}",
            cancellationToken);
    }

    private async Task<(string? InvoiceId, bool Changed)> PlaceRowAsync<T>(
        Func<Task<(T Record, ETag ETag)?>> get,
        Func<T, (string? InvoiceId, string? ChargeId, string? PaymentIntentId, string? StripeInvoiceId)> linksOf,
        Func<T, ETag, string?, Task<bool>> tryPlace,
        string row,
        CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            if (await get().ConfigureAwait(false) is not var (record, etag))
            {
                return (null, false);
            }

            var (placedUnder, chargeId, intent, stripeInvoice) = linksOf(record);
            var found = await StripeInvoiceLinks.OfChargeAsync(links, invoices, payments, chargeId, intent, stripeInvoice, cancellationToken).ConfigureAwait(false);
            string? invoiceId = found.Count switch { 0 => placedUnder, 1 => found[0], _ => null };
            if (invoiceId == placedUnder)
            {
                return (invoiceId, false);
            }

            if (await tryPlace(record, etag, invoiceId).ConfigureAwait(false))
            {
                return (invoiceId, true);
            }

            if (attempt == MaxAttempts)
            {
                throw new Azure.RequestFailedException(412, $"{row} kept changing while being placed");
            }
        }
    }
}
