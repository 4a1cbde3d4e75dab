namespace Billing.Domain.Pricing;

/// <summary>Usage that the plan cannot price: its pricing dimension is missing or has a value with no rate.</summary>
public sealed class UnpricedUsageException(string planId, string meter, string dimension, string? value, IReadOnlyList<string> priced)
    : InvalidOperationException(value is null
        ? $"Plan '{planId}' prices '{meter}' by '{dimension}', but the usage has no '{dimension}' dimension."
        : $"Plan '{planId}' has no price for '{meter}' with {dimension}='{value}'; priced values: {string.Join(", ", priced)}.")
{
    public string PlanId { get; } = planId;

    public string Meter { get; } = meter;

    public string Dimension { get; } = dimension;

    public string? Value { get; } = value;
}
