namespace Billing.Domain.Definitions;

/// <summary>What an expression of a definition computes: a whole number, or an instant (only compared or subtracted).</summary>
public enum ExpressionKind
{
    Number,
    Instant,
}
