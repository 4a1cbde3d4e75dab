using Billing.Payments;

namespace Billing.Application.Burns;

/// <summary>
/// Stripe's own word on the charges that paid a burn's invoice, read with its confirmation right before signing
/// (<see cref="StripeCharge"/>): a dispute Stripe reports open or lost holds the burn, and so does a charge Stripe refunded more
/// on than its refund row records (a <c>charge.refunded</c> not recorded yet, or a row deleted or rewritten). The row-based
/// holds (<see cref="DisputeHold"/>, the refund rules) rest on rows anyone with storage access can delete; this does not. Once
/// the rows record what Stripe reports, those rules decide (a refund a credit note explains burns what is left). A burn finance
/// released is held only by a dispute Stripe opened after the release, and by a charge Stripe refunded more on than was refunded
/// when finance released it (its <see cref="BurnReleaseEvidence"/> in the book records that per charge): a refund made after the
/// release whose webhook was lost is not burned either.
/// </summary>
internal static class StripeChargeHold
{
    /// <summary>
    /// Why Stripe's charges hold the burn (the first by charge id); null when none does. <paramref name="release"/> is the book's
    /// entry of the release that stands (null: nobody released the burn). A refund row that cannot be read throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static async Task<string?> WhyAsync(RefundStore refunds, IEnumerable<StripeCharge> charges, BurnIntent intent, BurnReleaseEvidence? release, CancellationToken cancellationToken)
    {
        foreach (var charge in charges.OrderBy(c => c.ChargeId, StringComparer.Ordinal))
        {
            var dispute = charge.Disputes
                .Where(d => DisputeStatuses.Holds(d.Status) && (intent.ReleasedAt is not { } released || d.Created > released))
                .OrderBy(d => d.DisputeId, StringComparer.Ordinal).FirstOrDefault();
            if (dispute is not null)
            {
                string what = string.Create(CultureInfo.InvariantCulture,
                    $"held: Stripe reports dispute {dispute.DisputeId} of {dispute.AmountMinor} minor units of {dispute.Currency} on charge {charge.ChargeId}, which paid {intent.InvoiceId},");
                return dispute.Status == DisputeStatuses.Lost
                    ? $"{what} lost: the cash went back to the customer and is not burned; finance releases it if the cash was recovered otherwise"
                    : $"{what} {dispute.Status}: cash under dispute is not burned until Stripe closes it won";
            }

            if (charge.Disputed && charge.Disputes.Count == 0 && intent.ReleasedAt is null)
            {
                return $"held: Stripe reports charge {charge.ChargeId}, which paid {intent.InvoiceId}, disputed but lists no dispute of it; cash under dispute is not burned";
            }

            if (charge.AmountRefundedMinor <= 0)
            {
                continue;
            }

            if (intent.ReleasedAt is not null)
            {
                long seen = release?.RefundedByCharge.GetValueOrDefault(charge.ChargeId) ?? 0;
                if (charge.AmountRefundedMinor > seen)
                {
                    return string.Create(CultureInfo.InvariantCulture,
                        $"held: Stripe reports {charge.AmountRefundedMinor} minor units of {charge.Currency} refunded on charge {charge.ChargeId}, which paid {intent.InvoiceId}, {seen} when {intent.ReleasedBy} released the burn ({intent.ReleasedAt:u}); ")
                        + "money that went back since the release is not burned; finance releases it again once it has looked at the refund";
                }

                continue;
            }

            long recorded = (await refunds.GetAsync(charge.ChargeId, cancellationToken).ConfigureAwait(false))?.Record.AmountRefundedMinor ?? 0;
            if (charge.AmountRefundedMinor > recorded)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"held: Stripe reports {charge.AmountRefundedMinor} minor units of {charge.Currency} refunded on charge {charge.ChargeId}, which paid {intent.InvoiceId}, the refund rows record {recorded}; ")
                    + "money that went back is not burned; asked again on the next run, it is decided by the refund rules once charge.refunded is recorded";
            }
        }

        return null;
    }
}
