namespace Billing.Application.Payments;

/// <summary>
/// What Stripe refunded on one invoice's charges beyond what its credit notes refunded (<see cref="InvoiceCredits.RefundedMinor"/>)
/// and what its payer overpaid (<see cref="Overpayment"/>: a refund of that returns the payer's credit, not revenue), per
/// currency: money that went back outside any credit note. The one rule both reconcile (<c>RefundWithoutCreditNote</c>) and
/// the burn executor (which holds the invoice's burn) apply.
/// </summary>
/// <param name="Currency">The charges' currency.</param>
/// <param name="RefundedMinor">What Stripe refunded on them.</param>
/// <param name="ExplainedMinor">What the invoice's credit notes in that currency refunded.</param>
/// <param name="ChargeIds">The charges, ordinal.</param>
internal sealed record RefundsBeyondNotes(string Currency, long RefundedMinor, long ExplainedMinor, IReadOnlyList<string> ChargeIds)
{
    /// <summary>What the payer overpaid in <see cref="Currency"/>, which the refunds may have returned.</summary>
    public long OverpaidMinor { get; init; }

    public long BeyondMinor => RefundedMinor - ExplainedMinor - OverpaidMinor;

    /// <summary>One per currency in which <paramref name="charges"/> (of one invoice) were refunded beyond <paramref name="credits"/> and <paramref name="overpaid"/>.</summary>
    public static IEnumerable<RefundsBeyondNotes> Of(IEnumerable<RefundRecord> charges, InvoiceCredits credits, Overpayment overpaid) =>
        charges.GroupBy(r => r.Currency, StringComparer.Ordinal)
            .Select(g => new RefundsBeyondNotes(g.Key, g.Sum(r => r.AmountRefundedMinor), credits.RefundedMinor(g.Key), [.. g.Select(r => r.ChargeId).Order(StringComparer.Ordinal)]) { OverpaidMinor = overpaid.In(g.Key) })
            .Where(b => b.BeyondMinor > 0);
}
