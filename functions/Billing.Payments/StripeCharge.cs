namespace Billing.Payments;

/// <summary>
/// A charge that paid a Stripe invoice, as Stripe reports it now (<see cref="StripeInvoiceConfirmation"/>, asked before a burn):
/// how much of it went back (<paramref name="AmountRefundedMinor"/>, cumulative) and its disputes. Stripe's word, so a refund
/// or dispute row deleted or never recorded does not hide it.
/// </summary>
/// <param name="ChargeId">Stripe's charge id.</param>
/// <param name="Currency">ISO 4217, upper-case.</param>
/// <param name="AmountRefundedMinor">Refunded so far, in minor units of <paramref name="Currency"/>.</param>
/// <param name="Disputed">Stripe's <c>disputed</c> flag (stays set once a dispute was opened, whatever its outcome).</param>
/// <param name="Disputes">The charge's disputes, asked only when <paramref name="Disputed"/>.</param>
public sealed record StripeCharge(string ChargeId, string Currency, long AmountRefundedMinor, bool Disputed, IReadOnlyList<StripeDispute> Disputes);
