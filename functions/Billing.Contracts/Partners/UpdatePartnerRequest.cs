namespace Billing.Contracts.Partners;

/// <summary>
/// <c>PATCH /api/v1/partners/{id}</c>: any of the fields. <see cref="Plan"/> applies from the next period;
/// <see cref="Status"/> is <c>active</c> or <c>disabled</c>; <c>"stripeCustomerId": null</c> removes the Stripe customer.
/// </summary>
public sealed record UpdatePartnerRequest(string? Plan, string? DisplayName, string? BillingEmail, string? StripeCustomerId, string? Status);
