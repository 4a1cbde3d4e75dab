namespace Billing.Application.Ledger;

/// <summary>
/// The reconcile findings of Stripe disputes (<c>charge.dispute.*</c>), one per dispute (subject: the dispute id):
/// <c>DisputeOpen</c>, a dispute still open on the charge of an invoice of ours (its cash may go back; the burn waits);
/// <c>DisputeLost</c>, one Stripe decided for the customer (the cash went back for good), saying whether the invoice's burn was
/// already signed (tokens burned for cash the platform did not keep) or is held; <c>DisputeUnplaced</c>, one no invoice of ours
/// is found for (its charge paid nothing the platform knows, or the link has not arrived); <c>DisputeMalformed</c>, an event of
/// it that lacked what it is recorded by; <c>DisputeUnreadable</c>, a row changed outside the platform. A dispute won, or an
/// inquiry closed, is no finding. Nothing is booked from a dispute (as from a refund): these are for finance to settle.
/// </summary>
internal static class DisputeFindings
{
    public static IEnumerable<AuditProblem> For(StoredList<DisputeRecord> disputes, IReadOnlyDictionary<string, List<BurnIntent>> burnsByInvoice)
    {
        foreach (var bad in disputes.Unreadable)
        {
            yield return new("DisputeUnreadable", bad.Id, $"{bad.Reason}; what the dispute holds is unknown: a burn whose invoice's disputes cannot be read is held until the row is repaired");
        }

        foreach (var dispute in disputes.Items.OrderBy(d => d.DisputeId, StringComparer.Ordinal))
        {
            string what = $"dispute of {Amount(dispute)} on charge {dispute.ChargeId ?? "not named"} (reason {dispute.Reason ?? "not named"}, status {dispute.Status ?? "not named"}, as of event {dispute.EventId})";
            if (dispute.Problem is { } problem)
            {
                yield return new("DisputeMalformed", dispute.DisputeId, $"event {dispute.ProblemEventId}: {problem}; the {what} is kept with what could be read");
            }

            if (!DisputeStatuses.Holds(dispute.Status))
            {
                continue;
            }

            if (dispute.InvoiceId is not { } invoiceId)
            {
                yield return new("DisputeUnplaced", dispute.DisputeId,
                    $"{what}: no invoice of this platform is found for the charge (payment intent {dispute.PaymentIntentId ?? "not named"}), or several are (it concerns one of them); while open or lost it holds the unsigned burns it may concern (docs/design.md, Disputes) until invoice.paid or invoice_payment.paid places it");
                continue;
            }

            string burn = BurnText(burnsByInvoice.GetValueOrDefault(invoiceId) ?? []);
            yield return dispute.Status == DisputeStatuses.Lost
                ? new("DisputeLost", dispute.DisputeId, $"{invoiceId}: the {what} was lost: the cash went back to the customer, while the invoice and its ledger entries still count it as paid; {burn}")
                : new("DisputeOpen", dispute.DisputeId, $"{invoiceId}: the {what} is open: its cash may go back; {burn}");
        }
    }

    private static string BurnText(List<BurnIntent> burns)
    {
        var sent = burns.Where(b => b.Status is BurnStatus.Signed or BurnStatus.Submitted or BurnStatus.Finalized).ToList();
        if (sent.Count > 0)
        {
            return $"the burn was already signed ({string.Join(", ", sent.Select(b => $"{b.Id} {b.Status.ToString().ToLowerInvariant()}"))}): tokens were burned for this cash";
        }

        return burns.Count == 0
            ? "no burn was made for the invoice"
            : $"the burn is not signed ({string.Join(", ", burns.Select(b => b.Id))}): the executor holds it while the dispute is open or lost";
    }

    private static string Amount(DisputeRecord dispute) =>
        dispute.Currency.Length == 0 ? $"{dispute.AmountMinor} minor units of a currency not named" : CreditNoteFindings.Amount(dispute.AmountMinor, dispute.Currency);
}
