namespace Billing.Domain.Definitions;

/// <summary>A cross-field rule of a definition: <c>Left Op Right</c> must hold, or the event is rejected with <see cref="Message"/>.</summary>
public sealed record CheckRule(string Rule, Expression Left, string Op, Expression Right, string Message)
{
    public bool Holds(ReadOnlySpan<long> values, long timeTicks)
    {
        long a = Left.Evaluate(values, timeTicks);
        long b = Right.Evaluate(values, timeTicks);
        return Op switch
        {
            "<" => a < b,
            "<=" => a <= b,
            ">" => a > b,
            ">=" => a >= b,
            "==" => a == b,
            _ => a != b,
        };
    }
}
