namespace Billing.Domain.Metering;

/// <summary>
/// A usage query that would read or answer more than one query may (<see cref="UsageRowBudget"/>, the span of facts a
/// query reads): bad input, answered 400 naming <see cref="Field"/> with <see cref="Reason"/> (the limit and how to narrow).
/// </summary>
public sealed class UsageQueryTooLargeException(string field, string reason) : Exception($"{field}: {reason}")
{
    public string Field { get; } = field;

    public string Reason { get; } = reason;
}
