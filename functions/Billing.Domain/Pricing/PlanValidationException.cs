namespace Billing.Domain.Pricing;

/// <summary>A plan file that cannot be loaded: names the file, the JSON field and the reason.</summary>
public sealed class PlanValidationException(string file, string field, string reason)
    : JsonFileValidationException("price plan", file, field, reason);
