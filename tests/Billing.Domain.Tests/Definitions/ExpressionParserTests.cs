namespace Billing.Domain.Tests.Definitions;

public sealed class ExpressionParserTests
{
    private static readonly Dictionary<string, FieldDefinition> Fields = new()
    {
        ["a"] = new() { Name = "a", Index = 0, Kind = FieldKind.WholeNumber, Min = 0, Max = 1000 },
        ["b"] = new() { Name = "b", Index = 1, Kind = FieldKind.WholeNumber, Min = -5, Max = 10 },
        ["start"] = new() { Name = "start", Index = 2, Kind = FieldKind.Time },
        ["end"] = new() { Name = "end", Index = 3, Kind = FieldKind.Time },
        ["big"] = new() { Name = "big", Index = 4, Kind = FieldKind.WholeNumber, Min = 0, Max = 1_000_000_000_000_000 },
        ["maybe"] = new() { Name = "maybe", Index = 5, Kind = FieldKind.WholeNumber, Min = 0, Max = 9, Optional = true },
        ["dflt"] = new() { Name = "dflt", Index = 6, Kind = FieldKind.WholeNumber, Min = 0, Max = 9, Default = 3 },
    };

    private static readonly long T0 = new DateTimeOffset(2026, 10, 20, 10, 0, 0, TimeSpan.Zero).UtcTicks;

    [Fact]
    public void ParseValue_PrecedenceAndParentheses_EvaluateLikeArithmetic()
    {
        long[] values = [7, -2, 0, 0, 0, 0, 3];

        Assert.Equal(7 + (-2 * 3), ExpressionParser.ParseValue("a + b * dflt", Fields).Evaluate(values, 0));
        Assert.Equal((7 + -2) * 3, ExpressionParser.ParseValue("(a + b) * dflt", Fields).Evaluate(values, 0));
        Assert.Equal(7 - 2 - 1, ExpressionParser.ParseValue("a - 2 - 1", Fields).Evaluate(values, 0));
    }

    [Fact]
    public void ParseValue_SecondsOfTimes_WholeSecondsTruncated()
    {
        var e = ExpressionParser.ParseValue("seconds(end - start) * a", Fields);
        long[] values = [4, 0, T0, T0 + (90 * TimeSpan.TicksPerSecond) + 9_999_999, 0, 0, 0];

        Assert.Equal(90 * 4, e.Evaluate(values, 0));
    }

    [Fact]
    public void ParseValue_Bounds_FollowTheDeclaredRanges()
    {
        var e = ExpressionParser.ParseValue("a * b + 1", Fields);

        Assert.Equal((Int128)(-5000 + 1), e.Min);
        Assert.Equal((Int128)(10000 + 1), e.Max);
    }

    [Fact]
    public void ParseValue_ProductBeyondLong_IsRefusedAtLoad()
    {
        var e = Assert.Throws<FormatException>(() => ExpressionParser.ParseValue("big * big", Fields));

        Assert.Contains("overflow", e.Message, StringComparison.Ordinal);
        Assert.Equal(1_000_000_000_000_000_000, (long)ExpressionParser.ParseValue("big * 1000", Fields).Max); // 10^18 still fits
    }

    [Fact]
    public void ParseValue_ChainOfOperatorsDeeperThanTheLimit_IsRefusedAtLoad()
    {
        // An expression is evaluated by recursion, once per event: a long enough chain would overflow the stack, which
        // ends the process, on every event of the type. It passed load before.
        string deepest = string.Join(" + ", Enumerable.Repeat("a", ExpressionParser.MaxDepth));
        long[] values = [2, 0, 0, 0, 0, 0, 0];
        Assert.Equal(2 * ExpressionParser.MaxDepth, ExpressionParser.ParseValue(deepest, Fields).Evaluate(values, 0));

        var e = Assert.Throws<FormatException>(() => ExpressionParser.ParseValue(deepest + " + a", Fields));

        Assert.Contains($"deeper than {ExpressionParser.MaxDepth} levels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseCheck_ParenthesesNestedDeeperThanTheLimit_IsRefusedAtLoad()
    {
        int levels = ExpressionParser.MaxDepth + 1;
        string nested = new string('(', levels) + "a" + new string(')', levels);

        var e = Assert.Throws<FormatException>(() => ExpressionParser.ParseCheck(nested + " > 0", Fields));

        Assert.Contains($"deeper than {ExpressionParser.MaxDepth} levels", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, ExpressionParser.ParseValue(nested[1..^1], Fields).Evaluate(new long[7], 0));
    }

    [Fact]
    public void ParseValue_TextLongerThanTheLimit_IsRefusedBeforeParsing()
    {
        string padded = "a" + new string(' ', ExpressionParser.MaxLength);

        var e = Assert.Throws<FormatException>(() => ExpressionParser.ParseValue(padded, Fields));

        Assert.Contains($"longer than {ExpressionParser.MaxLength} characters", e.Message, StringComparison.Ordinal);
        Assert.Equal(5, ExpressionParser.ParseValue(padded[..^1], Fields).Evaluate(new long[] { 5, 0, 0, 0, 0, 0, 0 }, 0));
    }

    [Theory]
    [InlineData("maybe + 1", "optional")]
    [InlineData("nope", "unknown field 'nope'")]
    [InlineData("start", "not a time")]
    [InlineData("a + start", "needs integers")]
    [InlineData("end - start", "seconds(t2 - t1)")]
    [InlineData("seconds(a - b)", "two times")]
    [InlineData("max(a)", "unknown function")]
    [InlineData("a +", "unexpected end")]
    [InlineData("(a", "expected ')'")]
    [InlineData("a $ b", "unexpected '$'")]
    [InlineData("99999999999999999999", "does not fit")]
    public void ParseValue_BadExpression_ExplainsWhy(string text, string reason)
    {
        var e = Assert.Throws<FormatException>(() => ExpressionParser.ParseValue(text, Fields));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseCheck_TimeAgainstEnvelopeTime_ComparesInstants()
    {
        var (left, op, right) = ExpressionParser.ParseCheck("start <= time", Fields);
        var rule = new CheckRule("start <= time", left, op, right, "m");
        long[] values = [0, 0, T0, 0, 0, 0, 0];

        Assert.True(rule.Holds(values, T0));
        Assert.False(rule.Holds(values, T0 - 1));
    }

    [Fact]
    public void ParseCheck_MixedKinds_IsRefused()
    {
        var e = Assert.Throws<FormatException>(() => ExpressionParser.ParseCheck("start < a", Fields));

        Assert.Contains("compares a time with a integer", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8928308280fffff", 9, true)]
    [InlineData("8928308280fffff", null, true)]
    [InlineData("8928308280fffff", 8, false)]
    [InlineData("8928308280ffff", 9, false)] // 14 digits
    [InlineData("8928308280FFFFF", 9, false)] // uppercase
    [InlineData("9928308280fffff", 9, false)] // mode 3
    [InlineData("8929f08280fffff", 9, false)] // digit 1 is 7, inside the resolution
    [InlineData("8928308280ff0ff", 9, false)] // digit beyond the resolution not 7
    [InlineData("89f5308280fffff", 9, false)] // base cell 122+
    public void IsValidCell_IndexText_ChecksModeResolutionAndDigits(string text, int? resolution, bool valid) =>
        Assert.Equal(valid, H3Index.IsValidCell(System.Text.Encoding.ASCII.GetBytes(text), resolution));
}
