namespace Billing.Payments;

/// <summary>A dispute of a <see cref="StripeCharge"/> as Stripe reports it now.</summary>
/// <param name="DisputeId">Stripe's dispute id.</param>
/// <param name="Status">Stripe's status (<c>needs_response</c>, <c>won</c>, <c>lost</c>, …).</param>
/// <param name="AmountMinor">The disputed amount, in minor units of <paramref name="Currency"/>.</param>
/// <param name="Currency">ISO 4217, upper-case.</param>
/// <param name="Created">When the dispute was opened.</param>
public sealed record StripeDispute(string DisputeId, string Status, long AmountMinor, string Currency, DateTimeOffset Created);
