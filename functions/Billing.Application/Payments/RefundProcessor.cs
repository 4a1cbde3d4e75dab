namespace Billing.Application.Payments;

/// <summary>
/// Records a verified <c>charge.refunded</c> (docs/design.md §4.15), then places it under the invoice of ours the charge paid
/// (<see cref="RefundPlacement"/>); with none (or several) found, reconcile goes by the charge's customer, and a link that
/// arrives later places it (<see cref="InvoicePaymentProcessor"/>). Then the cash that went out is booked
/// (<see cref="RefundBookings"/>, once per step of the charge's cumulative amount, whenever it is placed); nothing is settled or
/// un-burned from it: reconcile compares it with the credit notes (<c>RefundWithoutCreditNote</c>, <c>RefundUnmatched</c>) and
/// it holds a burn not yet signed. A row that cannot be read throws <see cref="InvalidDataException"/> (the webhook answers
/// 503): the charge's own row before anything is written; a link or another row the placement reads after the charge's row
/// was written but before it is placed, so the refund stays under no invoice (compared by customer) until the retry places it.
/// </summary>
public sealed class RefundProcessor(RefundStore refunds, RefundPlacement placement, RefundBookings bookings)
{
    /// <summary>The invoice it is under (null: none) and whether it said anything new.</summary>
    public async Task<(string? InvoiceId, bool Recorded)> RecordAsync(IncomingRefund refund, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refund);
        bool recorded = await refunds.RecordAsync(refund, cancellationToken).ConfigureAwait(false);

        // Placed after the row is written: an invoice_payment.paid recorded meanwhile is seen here, or sees this row.
        var (invoiceId, placed) = await placement.PlaceAsync(refund.ChargeId, cancellationToken).ConfigureAwait(false);

        // Booked after placing, so a step booked now names the invoice; a replay books what a crash here left unbooked.
        await bookings.BookAsync(refund, cancellationToken).ConfigureAwait(false);
        return (invoiceId, recorded || placed);
    }
}
