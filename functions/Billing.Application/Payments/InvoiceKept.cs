namespace Billing.Application.Payments;

/// <summary>
/// What an invoice's payer paid and did not get back, in the invoice's currency: the cash received up to what was due (more is
/// the payer's credit, a liability, not revenue), less what went back after payment, which is the larger of what its credit
/// notes refunded (voided ones too: a void does not return a refund) and what Stripe refunded on its charges beyond the
/// overpayment (a refund of the payer's credit returns that credit, not revenue: <see cref="InvoiceSettlement.OverpaidMinor"/>), less what
/// standing applied notes returned otherwise (out of band, to the customer's balance), less the rest of any standing note
/// recorded unapplied beyond its refund (what it returned is unknown, so all of it counts, its refund once), less what disputes
/// Stripe decided lost took back (given <c>disputes</c>: the cash went back to the customer beside any refund, which is not a
/// dispute, so it is not weighed against the notes; all of it counts, even a part that was an overpayment). The most a burn that
/// finance released may convert (docs/design.md §4.18).
/// </summary>
internal static class InvoiceKept
{
    public static long Of(long totalMinor, long receivedMinor, InvoiceCredits credits, IEnumerable<RefundRecord> refunds, string currency, IEnumerable<DisputeRecord>? disputes = null)
    {
        var settlement = new InvoiceSettlement(totalMinor, receivedMinor, credits.PrePaymentCreditedMinor);
        long cash = Math.Min(receivedMinor, settlement.DueMinor);
        long stripeRefunded = refunds.Where(r => r.Currency == currency).Aggregate(0L, (sum, r) => checked(sum + r.AmountRefundedMinor));
        long refunded = Math.Max(credits.RefundedMinor(currency), stripeRefunded - settlement.OverpaidMinor);
        long otherwiseBack = credits.Notes.Values.Where(n => !n.Voided)
            .Aggregate(0L, (sum, n) => checked(sum + OtherwiseBack(n, currency)));
        long lost = Lost(disputes ?? [], currency).Aggregate(0L, (sum, d) => checked(sum + d.AmountMinor));
        return Math.Max(0, cash - refunded - otherwiseBack - lost);
    }

    /// <summary>The disputes among <paramref name="disputes"/> that Stripe decided lost, in <paramref name="currency"/>, by dispute id.</summary>
    public static IReadOnlyList<DisputeRecord> Lost(IEnumerable<DisputeRecord> disputes, string currency) =>
        [.. disputes.Where(d => d.Status == DisputeStatuses.Lost && d.Currency == currency).OrderBy(d => d.DisputeId, StringComparer.Ordinal)];

    /// <summary>
    /// What a standing note returned besides its refund, which <c>refunded</c> already counts when it is in the invoice's
    /// currency. An unapplied one returned an unknown part of its whole amount: the rest of it, at least none.
    /// </summary>
    private static long OtherwiseBack(CreditNoteEntry note, string currency) => (note.Applied, note.Currency == currency) switch
    {
        (false, true) => Math.Max(0, note.Amounts.AmountMinor - note.Amounts.RefundedMinor),
        (false, false) => note.Amounts.AmountMinor,
        (true, true) => note.Amounts.PostPaymentMinor - note.Amounts.RefundedMinor,
        (true, false) => 0,
    };
}
