namespace Billing.Application.Partners;

/// <summary>
/// The fields to change (null: unchanged). <see cref="ClearStripeCustomer"/> removes the Stripe customer id (the next
/// invoice then creates or finds one again).
/// </summary>
public sealed record PartnerUpdate(string? Plan, string? DisplayName, string? BillingEmail, string? StripeCustomerId, string? Status)
{
    public bool ClearStripeCustomer { get; init; }
}
