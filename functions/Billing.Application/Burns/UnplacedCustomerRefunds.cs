namespace Billing.Application.Burns;

/// <summary>
/// Refunds of an invoice's Stripe customer that no invoice is found for yet: current API versions name neither the invoice on
/// the charge nor the payment intent in <c>invoice.paid</c>, so until <c>invoice_payment.paid</c> places the refund it may be
/// this invoice's money. The executor holds a burn on them (a released one only on those Stripe made after the release:
/// finance decided with the earlier ones in view), and the releaser names them to finance.
/// </summary>
internal static class UnplacedCustomerRefunds
{
    /// <summary>How much earlier than a payment a refund of its charge may be dated (Stripe's event times, in seconds, from different clocks).</summary>
    private static readonly TimeSpan RefundBeforePaymentMargin = TimeSpan.FromHours(1);

    /// <summary>
    /// What the first customer (ordinal) who paid <paramref name="invoiceId"/> had refunded that no invoice is found for yet, as
    /// "Stripe refunded … that no invoice is found for yet"; null when nothing. Only refunds Stripe made after the customer paid
    /// the invoice count (less <see cref="RefundBeforePaymentMargin"/>), and, given <paramref name="after"/>, only those made after it.
    /// A row that cannot be read throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static async Task<string?> DescribeAsync(PaymentStore payments, RefundStore refunds, string invoiceId, DateTimeOffset? after, CancellationToken cancellationToken)
    {
        // Paid when each customer first paid the invoice: a refund Stripe made before that (less a margin for its clocks) was of
        // another charge, so an old refund that is never placed does not hold every later burn of the customer.
        // A copy of the Stripe invoice paid by someone else (recorded as not the payer's) names a customer that is not the payer's.
        var customers = (await payments.ListAsync(invoiceId, cancellationToken).ConfigureAwait(false))
            .Where(p => p.StripeCustomerId is not null && !PaymentApplication.NotThePayers(p.Reason))
            .GroupBy(p => p.StripeCustomerId!, StringComparer.Ordinal)
            .Select(g => (Customer: g.Key, Paid: g.Min(p => p.PaidAt)))
            .OrderBy(c => c.Customer, StringComparer.Ordinal);
        foreach (var (customer, paid) in customers)
        {
            var unplaced = (await refunds.UnplacedOfCustomerAsync(customer, cancellationToken).ConfigureAwait(false))
                .Where(r => r.At >= paid - RefundBeforePaymentMargin && (after is null || r.At > after)).ToList();
            if (unplaced.GroupBy(r => r.Currency, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault() is { } refunded)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"Stripe refunded {refunded.Sum(r => r.AmountRefundedMinor)} minor units of {refunded.Key} on charges of customer {customer} ({string.Join(", ", refunded.Select(r => r.ChargeId))}), who paid {invoiceId}, that no invoice is found for yet");
            }
        }

        return null;
    }
}
