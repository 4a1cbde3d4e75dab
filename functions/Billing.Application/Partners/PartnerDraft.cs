namespace Billing.Application.Partners;

/// <summary>A partner to create, as the caller sent it (validated by <see cref="PartnerManagement"/>).</summary>
public sealed record PartnerDraft(string? Id, string? Role, string? Plan, string? DisplayName, string? BillingEmail, string? StripeCustomerId)
{
    /// <summary>For a payer: the providers it lets bill it (ids of registered providers); null or empty: none.</summary>
    public IReadOnlyList<string>? Providers { get; init; }
}
