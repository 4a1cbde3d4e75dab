namespace Billing.Contracts.Partners;

/// <summary><c>POST /api/v1/partners</c>: <see cref="Plan"/> for payers (carrier, tenant) only; <see cref="BillingEmail"/> required for payers.</summary>
public sealed record CreatePartnerRequest(string Id, string Role, string? Plan, string DisplayName, string? BillingEmail, string? StripeCustomerId);
