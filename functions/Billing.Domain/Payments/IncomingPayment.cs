namespace Billing.Domain.Payments;

/// <summary>A payment event as Stripe reported it. <paramref name="AmountMinor"/> is null when the amount did not parse.</summary>
public sealed record IncomingPayment(string EventId, string StripeInvoiceId, string Currency, long? AmountMinor, string? MalformedReason = null);
