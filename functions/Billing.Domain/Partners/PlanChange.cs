namespace Billing.Domain.Partners;

/// <summary>A payer's price plan from <paramref name="From"/> on (until a later change): plans change only at a period boundary.</summary>
/// <param name="From">The first period priced with <paramref name="PlanId"/>.</param>
/// <param name="PlanId">The plan in force from then on.</param>
public sealed record PlanChange(BillingPeriod From, string PlanId);
