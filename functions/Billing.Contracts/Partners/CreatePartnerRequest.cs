namespace Billing.Contracts.Partners;

/// <summary>
/// <c>POST /api/v1/partners</c>: <see cref="Plan"/> for payers (carrier, tenant) only; <see cref="BillingEmail"/> required for payers.
/// <see cref="Providers"/>: for a payer, the ids of the registered providers it lets bill it (left out: none).
/// </summary>
public sealed record CreatePartnerRequest(string Id, string Role, string? Plan, string DisplayName, string? BillingEmail, string? StripeCustomerId, IReadOnlyList<string>? Providers = null);
