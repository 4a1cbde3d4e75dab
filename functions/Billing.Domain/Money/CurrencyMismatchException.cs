namespace Billing.Domain;

/// <summary>Thrown when money in two different currencies is combined.</summary>
public sealed class CurrencyMismatchException(Currency left, Currency right)
    : InvalidOperationException($"Cannot combine {left} and {right} amounts.")
{
    public Currency Left { get; } = left;

    public Currency Right { get; } = right;
}
