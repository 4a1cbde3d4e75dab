namespace Billing.Application.Payments;

/// <summary>
/// What an invoice's payer paid and did not get back, in the invoice's currency: the cash received, less what went back after
/// payment, which is the larger of what its credit notes refunded (voided ones too: a void does not return a refund) and
/// what Stripe refunded on its charges, and what standing applied notes returned otherwise (out of band, to the customer's
/// balance). The most a burn that finance released may convert: money that went back is never burned.
/// </summary>
internal static class InvoiceKept
{
    public static long Of(long receivedMinor, InvoiceCredits credits, IEnumerable<RefundRecord> refunds, string currency)
    {
        long refunded = Math.Max(credits.RefundedMinor(currency), refunds.Where(r => r.Currency == currency).Aggregate(0L, (sum, r) => checked(sum + r.AmountRefundedMinor)));
        long otherwiseBack = credits.Notes.Values.Where(n => n.Applied && !n.Voided && n.Currency == currency)
            .Aggregate(0L, (sum, n) => checked(sum + n.Amounts.PostPaymentMinor - n.Amounts.RefundedMinor));
        return Math.Max(0, receivedMinor - refunded - otherwiseBack);
    }
}
