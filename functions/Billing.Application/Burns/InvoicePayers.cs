namespace Billing.Application.Burns;

/// <summary>
/// The payments of an invoice that are its payer's, and the Stripe customers who made them: where the holds on its burn look
/// for money that went back (refunds and disputes under no invoice, the book's entries under a customer). A copy of the Stripe
/// invoice paid by someone else (recorded as not the payer's, <see cref="PaymentApplication.NotThePayers"/>) is not the
/// invoice's payment, and its customer is not the payer's.
/// </summary>
internal sealed class InvoicePayers
{
    /// <summary>
    /// How much earlier than a payment a refund or dispute of its charge may be dated: Stripe's event times are in seconds and
    /// come from different clocks. One dated earlier still was of another charge.
    /// </summary>
    public static readonly TimeSpan StripeClockMargin = TimeSpan.FromHours(1);

    private InvoicePayers(IReadOnlyList<PaymentRecord> payments)
    {
        Payments = payments;
        Customers = [.. payments.Where(p => p.StripeCustomerId is not null)
            .GroupBy(p => p.StripeCustomerId!, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Min(p => p.PaidAt) - StripeClockMargin))
            .OrderBy(c => c.Key, StringComparer.Ordinal)];
    }

    /// <summary>The invoice's payments that are its payer's.</summary>
    public IReadOnlyList<PaymentRecord> Payments { get; }

    /// <summary>
    /// Each Stripe customer who paid the invoice (ordinal order), with the earliest time a refund or dispute of theirs can be of
    /// its payment: when they first paid it, less <see cref="StripeClockMargin"/>.
    /// </summary>
    public IReadOnlyList<(string Customer, DateTimeOffset Since)> Customers { get; }

    /// <summary>The payer's payments of <paramref name="invoiceId"/>. A payment row that cannot be read throws <see cref="InvalidDataException"/>.</summary>
    public static async Task<InvoicePayers> OfAsync(PaymentStore payments, string invoiceId, CancellationToken cancellationToken) =>
        new([.. (await payments.ListAsync(invoiceId, cancellationToken).ConfigureAwait(false)).Where(p => !PaymentApplication.NotThePayers(p.Reason))]);
}
