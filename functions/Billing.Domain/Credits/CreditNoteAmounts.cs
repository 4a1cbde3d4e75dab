namespace Billing.Domain.Credits;

/// <summary>
/// How a Stripe credit note's amount splits, in integer minor units of its currency: <see cref="AmountMinor"/> is the
/// pre-payment part (off the amount due) plus the post-payment part (given back after payment), and the post-payment part
/// went back as refunds, as credits outside Stripe, and, the rest, to the customer's Stripe balance.
/// </summary>
/// <param name="AmountMinor">The note's amount: pre-payment plus post-payment part.</param>
/// <param name="PrePaymentMinor">What the note took off the invoice's amount due before it was paid.</param>
/// <param name="PostPaymentMinor">What went back after payment: refunded, out of band, or to the customer balance.</param>
/// <param name="RefundedMinor">What of the post-payment part went back through Stripe refunds.</param>
/// <param name="OutOfBandMinor">What of the post-payment part was credited outside Stripe.</param>
public sealed record CreditNoteAmounts(long AmountMinor, long PrePaymentMinor, long PostPaymentMinor, long RefundedMinor, long OutOfBandMinor)
{
    /// <summary>A note whose amounts could not be read: nothing of it is ever booked.</summary>
    public static readonly CreditNoteAmounts Zero = new(0, 0, 0, 0, 0);

    /// <summary>The post-payment part credited to the customer's Stripe balance: what neither a refund nor an outside credit covers.</summary>
    public long CustomerBalanceMinor => PostPaymentMinor - RefundedMinor - OutOfBandMinor;

    /// <summary>No part is negative, the two parts make the amount, and refunds and outside credits fit in the post-payment part.</summary>
    public bool AddUp =>
        AmountMinor >= 0 && PrePaymentMinor >= 0 && PostPaymentMinor >= 0 && RefundedMinor >= 0 && OutOfBandMinor >= 0
        && PrePaymentMinor + PostPaymentMinor == AmountMinor && CustomerBalanceMinor >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"amount {AmountMinor} = pre-payment {PrePaymentMinor} + post-payment {PostPaymentMinor}, post-payment ≥ refunded {RefundedMinor} + out of band {OutOfBandMinor}");
}
