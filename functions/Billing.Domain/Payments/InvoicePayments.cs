namespace Billing.Domain.Payments;

/// <summary>
/// Everything received for one of our invoices, per Stripe invoice. Stripe's <c>amount_paid</c> is cumulative for its
/// invoice, so a source counts with its largest amount, never with the sum of its events.
/// </summary>
public sealed record InvoicePayments(IReadOnlyDictionary<string, PaymentSource> Sources, string? CompletedBy)
{
    public static InvoicePayments Empty { get; } = new(new Dictionary<string, PaymentSource>(StringComparer.Ordinal), null);

    /// <summary>Money applied to the invoice, in its currency (minor units).</summary>
    public long ReceivedMinor => Sources.Values.Where(s => s.Applied).Aggregate(0L, (sum, s) => checked(sum + s.AmountMinor));
}
