namespace Billing.Domain.Payments;

/// <summary>One Stripe invoice paying our invoice: its currency and the largest cumulative <c>amount_paid</c> seen.</summary>
public sealed record PaymentSource(string Currency, long AmountMinor, bool Applied);
