namespace Billing.Domain.Pricing;

/// <summary>A plan file that cannot be loaded: names the file, the JSON field and the reason.</summary>
public sealed class PlanValidationException(string file, string field, string reason)
    : Exception($"Invalid price plan {file}: {field}: {reason}")
{
    public string File { get; } = file;

    public string Field { get; } = field;

    public string Reason { get; } = reason;
}
