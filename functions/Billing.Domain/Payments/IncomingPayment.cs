namespace Billing.Domain.Payments;

/// <summary>
/// A payment event as Stripe reported it. <paramref name="AmountMinor"/> is null when the amount did not parse;
/// <paramref name="StripeCustomerId"/> is the customer of the Stripe invoice that was paid (<c>cus_…</c>).
/// </summary>
public sealed record IncomingPayment(string EventId, string StripeInvoiceId, string Currency, long? AmountMinor, string? MalformedReason = null, string? StripeCustomerId = null);
