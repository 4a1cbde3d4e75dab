namespace Billing.Domain.Definitions;

/// <summary>
/// Parses the expression language of definitions: integer <c>+ - *</c>, parentheses, integer literals, field names,
/// <c>time</c> (the envelope's), <c>seconds(t2 - t1)</c>; a check is two expressions compared with
/// <c>&lt; &lt;= &gt; &gt;= == !=</c>. Type errors (time vs integer), unknown or possibly absent fields and possible
/// overflow are refused here, at load, as <see cref="FormatException"/> with the reason; so is an expression longer than
/// <see cref="MaxLength"/> or deeper than <see cref="MaxDepth"/>, since parsing and evaluating recurse (every event
/// evaluates it) and running out of stack ends the process.
/// </summary>
public sealed class ExpressionParser
{
    /// <summary>The longest expression text, in characters.</summary>
    public const int MaxLength = 1000;

    /// <summary>The deepest an expression goes: operators in a chain (<c>a + b + c</c> is 3) and parentheses nested.</summary>
    public const int MaxDepth = 64;

    /// <summary>Seconds between the earliest and latest representable instants: the bound of <c>seconds(…)</c> without more facts.</summary>
    private static readonly Int128 TicksMin = DateTimeOffset.MinValue.UtcTicks;
    private static readonly Int128 TicksMax = DateTimeOffset.MaxValue.UtcTicks;

    private readonly string text;
    private readonly IReadOnlyDictionary<string, FieldDefinition> fields;
    private int pos;
    private int nesting;

    private ExpressionParser(string text, IReadOnlyDictionary<string, FieldDefinition> fields)
    {
        if (text.Length > MaxLength)
        {
            throw new FormatException($"is {text.Length} characters, longer than {MaxLength} characters");
        }

        this.text = text;
        this.fields = fields;
    }

    /// <summary>An integer expression (a meter's <c>value</c>).</summary>
    public static Expression ParseValue(string text, IReadOnlyDictionary<string, FieldDefinition> fields)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new ExpressionParser(text, fields);
        var e = parser.Sum();
        parser.End();
        if (e.Type != ExpressionKind.Number)
        {
            throw new FormatException("a value must be an integer, not a time (use seconds(t2 - t1))");
        }

        return e;
    }

    /// <summary>A comparison (a check's <c>rule</c>): the operator and both sides, of one type.</summary>
    public static (Expression Left, string Op, Expression Right) ParseCheck(string text, IReadOnlyDictionary<string, FieldDefinition> fields)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new ExpressionParser(text, fields);
        var left = parser.Sum();
        parser.SkipSpace();
        string op = parser.Comparison() ?? throw new FormatException($"expected a comparison (< <= > >= == !=) at position {parser.pos + 1}");
        var right = parser.Sum();
        parser.End();
        if (left.Type != right.Type)
        {
            throw new FormatException($"compares a {Name(left.Type)} with a {Name(right.Type)}");
        }

        return (left, op, right);
    }

    private static string Name(ExpressionKind type) => type == ExpressionKind.Instant ? "time" : "integer";

    private Expression Sum()
    {
        var left = Product();
        while (true)
        {
            SkipSpace();
            if (pos >= text.Length || text[pos] is not ('+' or '-'))
            {
                return left;
            }

            char op = text[pos++];
            var right = Product();
            if (op == '-' && left.Type == ExpressionKind.Instant && right.Type == ExpressionKind.Instant)
            {
                throw new FormatException("a difference of times is written seconds(t2 - t1)");
            }

            left = Arithmetic(op, left, right);
        }
    }

    private Expression Product()
    {
        var left = Atom();
        while (true)
        {
            SkipSpace();
            if (pos >= text.Length || text[pos] != '*')
            {
                return left;
            }

            pos++;
            left = Arithmetic('*', left, Atom());
        }
    }

    private static Expression Arithmetic(char op, Expression left, Expression right)
    {
        if (left.Type != ExpressionKind.Number || right.Type != ExpressionKind.Number)
        {
            throw new FormatException($"'{op}' needs integers; times can only be compared or subtracted inside seconds(…)");
        }

        return Bounded(new BinaryExpression(op, left, right));
    }

    private static Expression Bounded(Expression e) =>
        e.Min < long.MinValue || e.Max > long.MaxValue
            ? throw new FormatException($"can overflow a 64-bit integer for values inside the declared ranges (it ranges over [{e.Min}, {e.Max}])")
            : e.Depth > MaxDepth ? throw TooDeep()
            : e;

    private static FormatException TooDeep() => new($"goes deeper than {MaxDepth} levels (operators in a chain, parentheses nested)");

    private Expression Atom()
    {
        SkipSpace();
        if (pos >= text.Length)
        {
            throw new FormatException("unexpected end of the expression");
        }

        char c = text[pos];
        if (c == '(')
        {
            pos++;
            if (++nesting > MaxDepth)
            {
                throw TooDeep();
            }

            var inner = Sum();
            Expect(')');
            nesting--;
            return inner;
        }

        if (char.IsAsciiDigit(c))
        {
            int start = pos;
            while (pos < text.Length && char.IsAsciiDigit(text[pos]))
            {
                pos++;
            }

            return long.TryParse(text.AsSpan(start, pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out long n)
                ? new LiteralExpression(n)
                : throw new FormatException($"literal '{text[start..pos]}' does not fit in a 64-bit integer");
        }

        if (char.IsAsciiLetter(c) || c == '_')
        {
            int start = pos;
            while (pos < text.Length && (char.IsAsciiLetterOrDigit(text[pos]) || text[pos] == '_'))
            {
                pos++;
            }

            string name = text[start..pos];
            SkipSpace();
            if (pos < text.Length && text[pos] == '(')
            {
                return name == "seconds" ? Seconds() : throw new FormatException($"unknown function '{name}' (only seconds(t2 - t1))");
            }

            return Field(name);
        }

        throw new FormatException($"unexpected '{c}' at position {pos + 1}");
    }

    private Expression Seconds()
    {
        pos++; // '('
        var later = Product();
        SkipSpace();
        Expect('-');
        var earlier = Product();
        Expect(')');
        if (later.Type != ExpressionKind.Instant || earlier.Type != ExpressionKind.Instant)
        {
            throw new FormatException("seconds(t2 - t1) takes two times");
        }

        return Bounded(new SecondsExpression(later, earlier));
    }

    private FieldExpression Field(string name)
    {
        if (name == "time" && !fields.ContainsKey("time"))
        {
            return new FieldExpression(-1, ExpressionKind.Instant, TicksMin, TicksMax);
        }

        if (!fields.TryGetValue(name, out var field))
        {
            throw new FormatException($"unknown field '{name}'");
        }

        if (!field.AlwaysHasValue)
        {
            throw new FormatException($"field '{name}' is optional without a default, so it may have no value");
        }

        return field.Kind switch
        {
            FieldKind.WholeNumber => new FieldExpression(field.Index, ExpressionKind.Number, field.Min, field.Max),
            FieldKind.Time => new FieldExpression(field.Index, ExpressionKind.Instant, TicksMin, TicksMax),
            _ => throw new FormatException($"field '{name}' is a {field.Kind.ToString().ToLowerInvariant()}, not an integer or a time"),
        };
    }

    private string? Comparison()
    {
        foreach (string op in (string[])["<=", ">=", "==", "!=", "<", ">"])
        {
            if (string.CompareOrdinal(text, pos, op, 0, op.Length) == 0)
            {
                pos += op.Length;
                return op;
            }
        }

        return null;
    }

    private void Expect(char c)
    {
        SkipSpace();
        if (pos >= text.Length || text[pos] != c)
        {
            throw new FormatException(pos >= text.Length ? $"expected '{c}' at the end" : $"expected '{c}' at position {pos + 1}, found '{text[pos]}'");
        }

        pos++;
    }

    private void End()
    {
        SkipSpace();
        if (pos < text.Length)
        {
            throw new FormatException($"unexpected '{text[pos]}' at position {pos + 1}");
        }
    }

    private void SkipSpace()
    {
        while (pos < text.Length && text[pos] == ' ')
        {
            pos++;
        }
    }
}
