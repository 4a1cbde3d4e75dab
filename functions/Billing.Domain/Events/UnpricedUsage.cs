using System.Diagnostics.CodeAnalysis;
using Billing.Domain.Pricing;

namespace Billing.Domain.Events;

/// <summary>
/// Whether a payer's plan can bill an event: without a plan for the event's month, or on one that prices none of the
/// type's meters, the event would be metered and never invoiced (free usage, accepted), so it is refused. One check and
/// one wording for the built-in offload type and the declared types.
/// </summary>
internal static class UnpricedUsage
{
    /// <summary>
    /// True, with the <paramref name="plan"/> that prices <paramref name="month"/>, when <paramref name="payer"/> can pay for
    /// <paramref name="type"/>; otherwise the <paramref name="problem"/>. <paramref name="pricesAny"/>: whether a plan prices
    /// any of the type's meters (a plan the catalog does not hold is not judged here). <paramref name="own"/>: whether the
    /// payer posts it itself; another poster is not told whether the payer has a plan, nor its name
    /// (<see cref="PayerAnswers"/>).
    /// </summary>
    public static bool CanBill(
        Partner payer, BillingPeriod month, string type, IPriceCatalog prices, Func<PricePlan, bool> pricesAny, bool own,
        [NotNullWhen(true)] out string? plan, [NotNullWhen(false)] out string? problem)
    {
        plan = payer.PlanFor(month);
        bool billable = plan is not null && !(prices.FindPlan(plan) is { } p && !pricesAny(p));
        problem = billable ? null
            : !own ? $"'{payer.Id}' cannot pay for '{type}': its price plan does not bill it"
            : plan is null ? $"'{payer.Id}' has no price plan, so it cannot pay for '{type}'"
            : $"'{payer.Id}' is billed on plan '{plan}', which prices none of the meters of '{type}'";
        return problem is null;
    }
}
