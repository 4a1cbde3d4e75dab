namespace Billing.Application.Burns;

/// <summary>
/// Refunds of an invoice's Stripe customer that no invoice is found for yet: current API versions name neither the invoice on
/// the charge nor the payment intent in <c>invoice.paid</c>, so until <c>invoice_payment.paid</c> places the refund it may be
/// this invoice's money. The executor holds a burn on them (a released one only on those Stripe made after the release:
/// finance decided with the earlier ones in view), and the releaser names them to finance.
/// </summary>
internal static class UnplacedCustomerRefunds
{
    /// <summary>
    /// What the first customer (ordinal) who paid <paramref name="invoiceId"/> had refunded that no invoice is found for yet, as
    /// "Stripe refunded … that no invoice is found for yet"; null when nothing. Only refunds Stripe made after the customer paid
    /// the invoice count (less <see cref="InvoicePayers.StripeClockMargin"/>), and, given <paramref name="after"/>, only those made after it.
    /// A row that cannot be read throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static async Task<string?> DescribeAsync(PaymentStore payments, RefundStore refunds, string invoiceId, DateTimeOffset? after, CancellationToken cancellationToken)
    {
        // From when each customer first paid the invoice: a refund Stripe made before that (less a margin for its clocks) was of
        // another charge, so an old refund that is never placed does not hold every later burn of the customer.
        var customers = (await InvoicePayers.OfAsync(payments, invoiceId, cancellationToken).ConfigureAwait(false)).Customers;
        foreach (var (customer, since) in customers)
        {
            var unplaced = (await refunds.UnplacedOfCustomerAsync(customer, cancellationToken).ConfigureAwait(false))
                .Where(r => r.At >= since && (after is null || r.At > after)).ToList();
            if (unplaced.GroupBy(r => r.Currency, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault() is { } refunded)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"Stripe refunded {refunded.Sum(r => r.AmountRefundedMinor)} minor units of {refunded.Key} on charges of customer {customer} ({string.Join(", ", refunded.Select(r => r.ChargeId))}), who paid {invoiceId}, that no invoice is found for yet");
            }
        }

        return null;
    }
}
