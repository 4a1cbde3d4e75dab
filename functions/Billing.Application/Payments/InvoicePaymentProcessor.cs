namespace Billing.Application.Payments;

/// <summary>
/// Records a verified <c>invoice_payment.paid</c>: which payment paid which Stripe invoice. Since API version 2025-03-31 it is
/// how a refunded charge (which names its payment intent, not its invoice) is matched to our invoice, so that reconcile
/// compares it with that invoice's credit notes and a refund outside them holds the invoice's burn. Refunds of that payment
/// recorded before are placed again (<see cref="RefundPlacement"/>). Nothing is booked from it. A refund or link row the
/// placement cannot read throws <see cref="InvalidDataException"/> after the link is recorded and before that refund is moved;
/// the retry (a replay of the link) places it once the row is repaired.
/// </summary>
public sealed class InvoicePaymentProcessor(InvoicePaymentLinkStore links, RefundStore refunds, RefundPlacement placement)
{
    /// <summary>
    /// Records <paramref name="link"/>; whether it was new, and how many refunded charges of the payment it placed differently.
    /// Only the refunds table is read when the payment has no refund (the usual case), however many invoices there are.
    /// </summary>
    public async Task<InvoicePaymentOutcome> RecordAsync(InvoicePaymentLink link, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        bool recorded = await links.RecordAsync(link, cancellationToken).ConfigureAwait(false);

        // After the link is written: a refund recorded meanwhile is found here, or finds the link itself.
        return new(recorded, await PlaceChargesOfAsync(link.PaymentId, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Places again the refunded charges of every payment linked to <paramref name="stripeInvoiceId"/>: called once a payment
    /// of it is recorded, since our invoice of that Stripe invoice may only now be known (no sync, links delivered first).
    /// How many it placed differently.
    /// </summary>
    public async Task<int> PlaceRefundsOfAsync(string stripeInvoiceId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stripeInvoiceId);
        int moved = 0;
        foreach (string paymentId in await links.PaymentsOfAsync(stripeInvoiceId, cancellationToken).ConfigureAwait(false))
        {
            moved += await PlaceChargesOfAsync(paymentId, cancellationToken).ConfigureAwait(false);
        }

        return moved;
    }

    private async Task<int> PlaceChargesOfAsync(string paymentId, CancellationToken cancellationToken)
    {
        int moved = 0;
        foreach (string chargeId in await refunds.ChargesOfPaymentAsync(paymentId, cancellationToken).ConfigureAwait(false))
        {
            if ((await placement.PlaceAsync(chargeId, cancellationToken).ConfigureAwait(false)).Changed)
            {
                moved++;
            }
        }

        return moved;
    }
}
