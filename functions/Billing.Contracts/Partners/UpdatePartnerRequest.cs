namespace Billing.Contracts.Partners;

/// <summary>
/// <c>PATCH /api/v1/partners/{id}</c>: any of the fields. <see cref="Plan"/> applies from the next period;
/// <see cref="Status"/> is <c>active</c> or <c>disabled</c>; <c>"stripeCustomerId": null</c> removes the Stripe customer;
/// <see cref="Providers"/> (payers only) is the whole new list of registered providers the payer lets bill it (<c>[]</c>: none).
/// </summary>
public sealed record UpdatePartnerRequest(string? Plan, string? DisplayName, string? BillingEmail, string? StripeCustomerId, string? Status, IReadOnlyList<string>? Providers = null);
