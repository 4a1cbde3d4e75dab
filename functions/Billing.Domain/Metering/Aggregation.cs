namespace Billing.Domain.Metering;

/// <summary>How a meter folds facts into a quantity.</summary>
public enum Aggregation
{
    Sum,
    Count,
    Max,
    Latest,
    UniqueCount,
}
