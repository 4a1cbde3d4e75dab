namespace Billing.Application.Burns;

/// <summary>
/// The dispute rule of the burn executor: no burn is signed for an invoice whose charge Stripe reports disputed, while the
/// dispute is open or once it is lost (or of a status not documented: <see cref="DisputeStatuses.Holds"/>); a dispute won, or
/// an inquiry closed, holds nothing, so the burn goes back to pending through the executor's normal path. A dispute placed
/// under no invoice holds too, every burn it may concern (<see cref="UnplacedDisputes"/>). A burn finance
/// released is held only by a dispute Stripe changed, or this platform recorded or placed, after the release (finance decided
/// with the earlier word in view; one that arrived or was placed later, finance never saw). A
/// signed burn is never looked at: nothing is un-burned.
/// </summary>
internal static class DisputeHold
{
    /// <summary>
    /// Why the burn waits on a dispute of its invoice (the first by dispute id), or else on one placed under no invoice that may
    /// be its invoice's; null when none holds it. A row of its invoice's disputes or payments that cannot be read throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static async Task<string?> WhyAsync(RefundStore refunds, PaymentStore payments, InvoiceStore invoices, BurnIntent intent, CancellationToken cancellationToken)
    {
        var disputes = await refunds.Disputes.OfInvoiceAsync(intent.InvoiceId, cancellationToken).ConfigureAwait(false);
        var holding = disputes
            .Where(d => Holds(d, intent))
            .OrderBy(d => d.DisputeId, StringComparer.Ordinal)
            .FirstOrDefault();
        return holding is null
            ? await UnplacedDisputes.WhyAsync(refunds, payments, invoices, intent, cancellationToken).ConfigureAwait(false)
            : Why(holding, $"of {intent.InvoiceId}", holding.Status == DisputeStatuses.Lost ? "ledger reconcile reports DisputeLost" : "ledger reconcile reports DisputeOpen");
    }

    /// <summary>Whether <paramref name="dispute"/> holds the burn: open or lost, and, on a burn finance released, changed, recorded or placed since.</summary>
    internal static bool Holds(DisputeRecord dispute, BurnIntent intent) =>
        DisputeStatuses.Holds(dispute.Status) && (intent.ReleasedAt is not { } released || dispute.At > released || dispute.StoredAt > released);

    /// <summary>The held reason naming <paramref name="dispute"/>; <paramref name="whose"/> follows its charge, <paramref name="reported"/> says what reconcile reports.</summary>
    internal static string Why(DisputeRecord dispute, string whose, string reported)
    {
        string what = string.Create(CultureInfo.InvariantCulture,
            $"Stripe dispute {dispute.DisputeId} of {dispute.AmountMinor} minor units of {dispute.Currency} on charge {dispute.ChargeId} {whose} (reason {dispute.Reason ?? "not named"})");
        return dispute.Status == DisputeStatuses.Lost
            ? $"held: {what} was lost: the cash went back to the customer and is not burned ({reported}); finance releases it if the cash was recovered otherwise"
            : $"held: {what} is {dispute.Status ?? "of no status Stripe named"}; cash under dispute is not burned until Stripe closes it won ({reported})";
    }
}
