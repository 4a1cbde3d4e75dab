namespace Billing.Contracts.Partners;

/// <summary>
/// A partner as finance sees it. <see cref="Plan"/> prices the current period; <see cref="PendingPlan"/> prices the
/// periods from <see cref="PendingPlanFrom"/> (the first instant of the next month) on. Keys are listed by id and
/// dates only: no key or hash ever leaves the service. <see cref="Providers"/>: the providers whose usage may name this
/// payer as its payer.
/// </summary>
public sealed record PartnerView(
    string Id,
    string Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Plan,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? PendingPlan,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? PendingPlanFrom,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? DisplayName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? BillingEmail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? StripeCustomerId,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? CreatedAt,
    IReadOnlyList<PartnerKeyView> Keys)
{
    private readonly IReadOnlyList<string> providers = [];

    /// <summary>The providers this partner lets bill it (payers; empty for others, and for a payer none may bill yet).</summary>
    public IReadOnlyList<string> Providers
    {
        get => providers;
        init => providers = value ?? []; // an answer without the field (a server from before grants) reads as none
    }
}
