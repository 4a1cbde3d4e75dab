namespace Billing.Domain.Credits;

/// <summary>
/// A Stripe credit note event as Stripe reported it: <c>credit_note.created</c> (<paramref name="Voided"/> false) or
/// <c>credit_note.voided</c>. Amounts are integer minor units of <paramref name="Currency"/>; <paramref name="Problem"/> is set
/// when an amount was not a non-negative integer (the amounts are then 0 and the note is recorded unapplied).
/// </summary>
/// <param name="EventId">The Stripe event id (<c>evt_…</c>): the deduplication key.</param>
/// <param name="CreditNoteId">The credit note (<c>cn_…</c>): its ledger entries derive their ids from it.</param>
/// <param name="StripeInvoiceId">The Stripe invoice it credits (<c>in_…</c>).</param>
/// <param name="Voided">True for <c>credit_note.voided</c>.</param>
/// <param name="Currency">Upper-case ISO code as Stripe sent it.</param>
/// <param name="AmountMinor">The note's amount: pre-payment plus post-payment part.</param>
/// <param name="PrePaymentMinor">What the note took off the invoice's amount due before it was paid.</param>
/// <param name="PostPaymentMinor">What went back after payment: refunded, out of band, or to the customer balance.</param>
/// <param name="RefundedMinor">What of the post-payment part went back through Stripe refunds.</param>
/// <param name="OutOfBandMinor">What of the post-payment part was credited outside Stripe.</param>
/// <param name="At">When it was issued (for a void: voided).</param>
/// <param name="Problem">Why the amounts could not be read, if they could not.</param>
public sealed record IncomingCreditNote(
    string EventId,
    string CreditNoteId,
    string StripeInvoiceId,
    bool Voided,
    string Currency,
    long AmountMinor,
    long PrePaymentMinor,
    long PostPaymentMinor,
    long RefundedMinor,
    long OutOfBandMinor,
    DateTimeOffset At,
    string? Problem = null)
{
    /// <summary>The post-payment part credited to the customer's Stripe balance: what neither a refund nor an outside credit covers.</summary>
    public long CustomerBalanceMinor => PostPaymentMinor - RefundedMinor - OutOfBandMinor;
}
