namespace Billing.Application.Burns;

/// <summary>
/// The dispute rule of the burn executor: no burn is signed for an invoice whose charge Stripe reports disputed, while the
/// dispute is open or once it is lost (or of a status not documented: <see cref="DisputeStatuses.Holds"/>); a dispute won, or
/// an inquiry closed, holds nothing, so the burn goes back to pending through the executor's normal path. A burn finance
/// released is held only by a dispute Stripe changed, or this platform recorded or placed, after the release (finance decided
/// with the earlier word in view; one that arrived or was placed later, finance never saw). A
/// signed burn is never looked at: nothing is un-burned.
/// </summary>
internal static class DisputeHold
{
    /// <summary>Why the burn waits on a dispute of its invoice (the first by dispute id); null when none holds it. A row that cannot be read throws <see cref="InvalidDataException"/>.</summary>
    public static async Task<string?> WhyAsync(RefundStore refunds, BurnIntent intent, CancellationToken cancellationToken)
    {
        var disputes = await refunds.Disputes.OfInvoiceAsync(intent.InvoiceId, cancellationToken).ConfigureAwait(false);
        var holding = disputes
            .Where(d => DisputeStatuses.Holds(d.Status) && (intent.ReleasedAt is not { } released || d.At > released || d.StoredAt > released))
            .OrderBy(d => d.DisputeId, StringComparer.Ordinal)
            .FirstOrDefault();
        if (holding is null)
        {
            return null;
        }

        string what = string.Create(CultureInfo.InvariantCulture,
            $"Stripe dispute {holding.DisputeId} of {holding.AmountMinor} minor units of {holding.Currency} on charge {holding.ChargeId} of {intent.InvoiceId} (reason {holding.Reason ?? "not named"})");
        return holding.Status == DisputeStatuses.Lost
            ? $"held: {what} was lost: the cash went back to the customer and is not burned (ledger reconcile reports DisputeLost); finance releases it if the cash was recovered otherwise"
            : $"held: {what} is {holding.Status ?? "of no status Stripe named"}; cash under dispute is not burned until Stripe closes it won (ledger reconcile reports DisputeOpen)";
    }
}
