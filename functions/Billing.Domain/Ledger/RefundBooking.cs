namespace Billing.Domain.Ledger;

/// <summary>
/// One step of what Stripe refunded on a charge, as <see cref="RefundEntries.Refunded"/> books it: the charge's
/// <paramref name="Number"/>th refund entry takes its cumulative refunded amount from what the entries before it booked to
/// <paramref name="AmountRefundedMinor"/>.
/// </summary>
/// <param name="ChargeId">The charge (<c>ch_…</c>).</param>
/// <param name="Number">1 for the charge's first refund entry, then 2, …: the id is derived from the charge and this.</param>
/// <param name="AmountRefundedMinor">Everything Stripe refunded on the charge once this step is in (cumulative).</param>
/// <param name="RefundedMinor">What this step adds: <paramref name="AmountRefundedMinor"/> less what the entries before it booked.</param>
/// <param name="Currency">Upper-case ISO code.</param>
/// <param name="StripeEventId">The <c>charge.refunded</c> the cumulative amount is from.</param>
/// <param name="InvoiceId">Our invoice the charge is placed under when booked; null while none is found.</param>
/// <param name="StripeCustomerId">The charge's Stripe customer, when named (the key of a refund under no invoice).</param>
public sealed record RefundBooking(
    string ChargeId,
    int Number,
    long AmountRefundedMinor,
    long RefundedMinor,
    string Currency,
    string StripeEventId,
    string? InvoiceId,
    string? StripeCustomerId);
