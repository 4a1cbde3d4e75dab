namespace Billing.Domain.Partners;

/// <summary>A registered partner as the domain sees it (no secrets).</summary>
/// <param name="Id">Stable partner id, e.g. <c>carrier-tmo</c>; also the CloudEvents <c>source</c> it posts as.</param>
/// <param name="Role">What it may post and read.</param>
/// <param name="PlanId">Price plan for payers (carriers, tenants) before any <see cref="PlanChanges"/>; null for providers and finance.</param>
public sealed record Partner(string Id, PartnerRole Role, string? PlanId)
{
    public bool IsPayer => Role is PartnerRole.Carrier or PartnerRole.Tenant;

    /// <summary>True when closes invoice it: a payer with a price plan.</summary>
    public bool IsInvoiced => IsPayer && PlanId is not null;

    public PartnerStatus Status { get; init; } = PartnerStatus.Active;

    /// <summary>Later plans, oldest first: a period is priced with the plan in force for it, never with a later one.</summary>
    public IReadOnlyList<PlanChange> PlanChanges { get; init; } = [];

    /// <summary>
    /// The providers this payer lets bill it (finance grants them; a carrier posting a declared type that names a payer
    /// can be granted too): usage another partner posts naming this payer as its payer is accepted and metered only from these. Ordinal order, no duplicates; empty (rows written before grants
    /// existed too): no other partner may bill it. The payer's own usage needs no grant.
    /// </summary>
    public IReadOnlyList<string> Providers { get; init; } = [];

    /// <summary>Whether <paramref name="posterId"/> may name this partner as the payer of its usage: itself, or a provider it granted.</summary>
    public bool MayBeBilledBy(string? posterId) => posterId == Id || (posterId is not null && Providers.Contains(posterId, StringComparer.Ordinal));

    /// <summary>The plan that prices <paramref name="period"/>: the latest change from that period or before, else <see cref="PlanId"/>.</summary>
    public string? PlanFor(BillingPeriod period)
    {
        string? plan = PlanId;
        foreach (var change in PlanChanges)
        {
            if (change.From <= period)
            {
                plan = change.PlanId;
            }
        }

        return plan;
    }
}
