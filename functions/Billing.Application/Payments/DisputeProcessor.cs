namespace Billing.Application.Payments;

/// <summary>
/// Records a verified <c>charge.dispute.*</c>, then places the dispute under the invoice of ours its charge paid
/// (<see cref="RefundPlacement.PlaceDisputeAsync"/>); with none found it stays unplaced (reconcile reports it), and
/// <c>invoice.paid</c> or <c>invoice_payment.paid</c> arriving later places it (<see cref="InvoicePaymentProcessor"/>). Nothing
/// is booked from it (refunds book nothing either: the cash that went back is evidence for reconcile and finance); while open
/// or lost it holds the unsigned burn of its invoice, and a win puts that burn back through the executor's normal path.
/// A row that cannot be read throws <see cref="InvalidDataException"/> (the webhook answers 503).
/// </summary>
public sealed class DisputeProcessor(RefundStore refunds, RefundPlacement placement)
{
    /// <summary>The dispute as recorded, under the invoice it is placed under, and whether the event said anything new (false for a redelivered event).</summary>
    public async Task<(DisputeRecord Dispute, bool Recorded)> RecordAsync(IncomingDispute dispute, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispute);
        bool recorded = await refunds.Disputes.RecordAsync(dispute, cancellationToken).ConfigureAwait(false);

        // Placed after the row is written: a link recorded meanwhile is seen here, or sees this row.
        var (invoiceId, placed) = await placement.PlaceDisputeAsync(dispute.DisputeId, cancellationToken).ConfigureAwait(false);
        var stored = await refunds.Disputes.GetAsync(dispute.DisputeId, cancellationToken).ConfigureAwait(false)
            // Deleted outside the platform between the write and this read: Stripe's retry writes it again (503, not a 500).
            ?? throw new RequestFailedException(503, $"dispute row {dispute.DisputeId} vanished after it was written; retry the event");
        return (stored.Record with { InvoiceId = invoiceId }, recorded || placed);
    }
}
