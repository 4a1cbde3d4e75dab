namespace Billing.Domain.Definitions;

/// <summary>
/// A parsed expression of a definition (<c>value</c>, <c>checks</c>; format in <c>meters/README.md</c>). Parsed once at
/// load; <see cref="Min"/> and <see cref="Max"/> bound its value over every event whose fields lie in their declared
/// ranges, so a definition that could overflow a <see cref="long"/> is refused before any event arrives.
/// Evaluated over the event's values: integers as they are, times as UTC ticks.
/// </summary>
public abstract class Expression
{
    /// <summary>Lower bound of the value (for a time: ticks).</summary>
    public Int128 Min { get; protected init; }

    /// <summary>Upper bound of the value (for a time: ticks).</summary>
    public Int128 Max { get; protected init; }

    public ExpressionKind Type { get; protected init; }

    /// <summary>How deep evaluation recurses: 1 for a literal or field, one more than its deepest operand otherwise.</summary>
    public int Depth { get; protected init; } = 1;

    /// <summary>The value; checked arithmetic (the bounds make an overflow impossible, the check makes it loud anyway).</summary>
    /// <param name="values">The event's field values by field index (integers; times as UTC ticks).</param>
    /// <param name="timeTicks">The envelope's <c>time</c>, UTC ticks.</param>
    public abstract long Evaluate(ReadOnlySpan<long> values, long timeTicks);

    /// <summary>The field indexes the expression reads.</summary>
    public abstract IEnumerable<int> Fields();
}

/// <summary>An integer literal.</summary>
internal sealed class LiteralExpression : Expression
{
    private readonly long value;

    public LiteralExpression(long value)
    {
        this.value = value;
        Min = Max = value;
        Type = ExpressionKind.Number;
    }

    public override long Evaluate(ReadOnlySpan<long> values, long timeTicks) => value;

    public override IEnumerable<int> Fields() => [];
}

/// <summary>A data field (index into the event's values), or the envelope's <c>time</c> (index -1).</summary>
internal sealed class FieldExpression : Expression
{
    public FieldExpression(int index, ExpressionKind type, Int128 min, Int128 max)
    {
        Index = index;
        Type = type;
        Min = min;
        Max = max;
    }

    public int Index { get; }

    public override long Evaluate(ReadOnlySpan<long> values, long timeTicks) => Index < 0 ? timeTicks : values[Index];

    public override IEnumerable<int> Fields() => Index < 0 ? [] : [Index];
}

/// <summary><c>seconds(t2 - t1)</c>: whole seconds between two times (truncated toward zero).</summary>
internal sealed class SecondsExpression : Expression
{
    private readonly Expression later;
    private readonly Expression earlier;

    public SecondsExpression(Expression later, Expression earlier)
    {
        this.later = later;
        this.earlier = earlier;
        Type = ExpressionKind.Number;
        Depth = 1 + Math.Max(later.Depth, earlier.Depth);
        Min = (later.Min - earlier.Max) / TimeSpan.TicksPerSecond;
        Max = (later.Max - earlier.Min) / TimeSpan.TicksPerSecond;
    }

    public override long Evaluate(ReadOnlySpan<long> values, long timeTicks) =>
        checked(later.Evaluate(values, timeTicks) - earlier.Evaluate(values, timeTicks)) / TimeSpan.TicksPerSecond;

    public override IEnumerable<int> Fields() => later.Fields().Concat(earlier.Fields());
}

/// <summary><c>a + b</c>, <c>a - b</c>, <c>a * b</c> on integers.</summary>
internal sealed class BinaryExpression : Expression
{
    private readonly char op;
    private readonly Expression left;
    private readonly Expression right;

    public BinaryExpression(char op, Expression left, Expression right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        this.op = op;
        this.left = left;
        this.right = right;
        Type = ExpressionKind.Number;
        Depth = 1 + Math.Max(left.Depth, right.Depth);
        (Min, Max) = op switch
        {
            '+' => (left.Min + right.Min, left.Max + right.Max),
            '-' => (left.Min - right.Max, left.Max - right.Min),
            _ => Product(left, right),
        };
    }

    public override long Evaluate(ReadOnlySpan<long> values, long timeTicks)
    {
        long a = left.Evaluate(values, timeTicks);
        long b = right.Evaluate(values, timeTicks);
        return op switch
        {
            '+' => checked(a + b),
            '-' => checked(a - b),
            _ => checked(a * b),
        };
    }

    public override IEnumerable<int> Fields() => left.Fields().Concat(right.Fields());

    private static (Int128, Int128) Product(Expression left, Expression right)
    {
        // Operands are within long (checked at parse), so every corner product fits in 128 bits.
        Int128[] corners = [left.Min * right.Min, left.Min * right.Max, left.Max * right.Min, left.Max * right.Max];
        return (corners.Min(), corners.Max());
    }
}
