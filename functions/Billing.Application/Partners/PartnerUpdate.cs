namespace Billing.Application.Partners;

/// <summary>
/// The fields to change (null: unchanged). <see cref="ClearStripeCustomer"/> removes the Stripe customer id (the next
/// invoice then creates or finds one again). <see cref="Providers"/> replaces the payer's grants.
/// </summary>
public sealed record PartnerUpdate(string? Plan, string? DisplayName, string? BillingEmail, string? StripeCustomerId, string? Status)
{
    public bool ClearStripeCustomer { get; init; }

    /// <summary>For a payer: the whole new list of providers it lets bill it (empty: none); null: unchanged.</summary>
    public IReadOnlyList<string>? Providers { get; init; }
}
