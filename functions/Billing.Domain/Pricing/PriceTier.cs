namespace Billing.Domain.Pricing;

/// <summary>
/// One price tier. <see cref="UpTo"/> is the inclusive upper bound in billing units (null = unbounded, last tier only);
/// the tier covers <c>(previous UpTo, UpTo]</c>.
/// </summary>
public sealed record PriceTier
{
    public PriceTier(decimal? upTo, decimal unitPrice, string? description = null)
    {
        if (upTo is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(upTo), upTo, "A tier bound must be positive.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(unitPrice);
        UpTo = upTo;
        UnitPrice = unitPrice;
        Description = description;
    }

    public decimal? UpTo { get; }

    public decimal UnitPrice { get; }

    /// <summary>Optional line description for this tier; overrides the generated one.</summary>
    public string? Description { get; }
}
