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
    /// Places again the refunded charges of <paramref name="stripeInvoiceId"/>: those of every payment linked to it, of the
    /// payment intents its recorded payments named (<paramref name="paymentIntentIds"/>), and those naming it themselves. Called
    /// once a payment of it is recorded, since our invoice of that Stripe invoice may only now be known (no sync, the refund or
    /// link delivered first; without a link, the charge's invoice or payment intent is all there is), and the disputes of those
    /// payments. How many it placed differently.
    /// </summary>
    public async Task<int> PlaceRefundsOfAsync(string stripeInvoiceId, IEnumerable<string> paymentIntentIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stripeInvoiceId);
        ArgumentNullException.ThrowIfNull(paymentIntentIds);
        var charges = new SortedSet<string>(await refunds.ChargesOfStripeInvoiceAsync(stripeInvoiceId, cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
        var paymentIds = (await links.PaymentsOfAsync(stripeInvoiceId, cancellationToken).ConfigureAwait(false)).Concat(paymentIntentIds).Distinct(StringComparer.Ordinal).ToList();
        foreach (string paymentId in paymentIds)
        {
            charges.UnionWith(await refunds.ChargesOfPaymentAsync(paymentId, cancellationToken).ConfigureAwait(false));
        }

        int moved = await PlaceAsync(charges, cancellationToken).ConfigureAwait(false);
        foreach (string paymentId in paymentIds)
        {
            moved += await PlaceDisputesOfAsync(paymentId, cancellationToken).ConfigureAwait(false);
        }

        return moved;
    }

    private async Task<int> PlaceChargesOfAsync(string paymentId, CancellationToken cancellationToken) =>
        await PlaceAsync(await refunds.ChargesOfPaymentAsync(paymentId, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)
        + await PlaceDisputesOfAsync(paymentId, cancellationToken).ConfigureAwait(false);

    /// <summary>The disputes of the payment's charges, placed as its refunded charges are (a dispute names no Stripe invoice, so only payments find it).</summary>
    private async Task<int> PlaceDisputesOfAsync(string paymentId, CancellationToken cancellationToken)
    {
        int moved = 0;
        foreach (string disputeId in await refunds.Disputes.OfPaymentAsync(paymentId, cancellationToken).ConfigureAwait(false))
        {
            if ((await placement.PlaceDisputeAsync(disputeId, cancellationToken).ConfigureAwait(false)).Changed)
            {
                moved++;
            }
        }

        return moved;
    }

    private async Task<int> PlaceAsync(IEnumerable<string> charges, CancellationToken cancellationToken)
    {
        int moved = 0;
        foreach (string chargeId in charges)
        {
            if ((await placement.PlaceAsync(chargeId, cancellationToken).ConfigureAwait(false)).Changed)
            {
                moved++;
            }
        }

        return moved;
    }
}
