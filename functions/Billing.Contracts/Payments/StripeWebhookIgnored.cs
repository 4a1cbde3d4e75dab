namespace Billing.Contracts.Payments;

/// <summary>A verified Stripe event the platform does not act on (another type, or test data), and why.</summary>
public sealed record StripeWebhookIgnored(bool Received, string EventId, string Ignored);
