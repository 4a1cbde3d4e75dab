namespace Billing.Functions.Tests.Infrastructure;

/// <summary>
/// Evaluates the ARM template expressions a Bicep snapshot leaves in place (values only known at deployment, such as
/// <c>[string(reference('…', '…').clientId)]</c>), with <see cref="Reference"/> standing in for the resources' runtime
/// properties. Only the functions the template's app settings use; anything else fails naming the function.
/// </summary>
internal sealed class ArmExpression
{
    private readonly string text;
    private readonly Func<string, JsonObject> reference;
    private int at;

    private ArmExpression(string text, Func<string, JsonObject> reference)
    {
        this.text = text;
        this.reference = reference;
    }

    /// <summary>A value as the deployment would set it: literals as they are, <c>[…]</c> expressions evaluated.</summary>
    /// <param name="value">The value in the snapshot.</param>
    /// <param name="reference">Runtime properties of a resource, by resource id (what <c>reference(id)</c> returns).</param>
    public static string Evaluate(string value, Func<string, JsonObject> reference)
    {
        if (!value.StartsWith('[') || value.StartsWith("[[", StringComparison.Ordinal) || !value.EndsWith(']'))
        {
            return value;
        }

        var expression = new ArmExpression(value[1..^1], reference);
        object result = expression.Parse();
        if (expression.at != expression.text.Length)
        {
            throw new FormatException($"Unexpected '{expression.text[expression.at..]}' in {value}");
        }

        return AsString(result);
    }

    private object Parse()
    {
        SkipSpaces();
        object value = text[at] switch
        {
            '\'' => ParseString(),
            var c when char.IsDigit(c) || c == '-' => ParseNumber(),
            _ => ParseCall(),
        };
        while (at < text.Length && (text[at] == '.' || text[at] == '['))
        {
            if (text[at] == '.')
            {
                at++;
                string property = ParseName();
                value = Unwrap(AsNode(value)[property] ?? throw new KeyNotFoundException($"No property '{property}' in {AsNode(value).ToJsonString()}"));
            }
            else
            {
                at++;
                int index = Convert.ToInt32(Parse(), CultureInfo.InvariantCulture);
                Expect(']');
                value = ((IList<object>)value)[index];
            }
        }

        return value;
    }

    private object ParseCall()
    {
        string name = ParseName();
        if (name is "true" or "false")
        {
            return name == "true";
        }

        Expect('(');
        var args = new List<object>();
        SkipSpaces();
        while (text[at] != ')')
        {
            args.Add(Parse());
            SkipSpaces();
            if (text[at] == ',')
            {
                at++;
            }
        }

        at++;
        return name switch
        {
            "reference" => reference(AsString(args[0])),
            "format" => string.Format(CultureInfo.InvariantCulture, AsString(args[0]), args.Skip(1).Select(AsString).ToArray<object>()),
            "string" => AsString(args[0]),
            "concat" => string.Concat(args.Select(AsString)),
            "replace" => AsString(args[0]).Replace(AsString(args[1]), AsString(args[2]), StringComparison.Ordinal),
            "split" => AsString(args[0]).Split(AsString(args[1])).Cast<object>().ToList(),
            _ => throw new NotSupportedException($"ARM function {name}() is not modelled by the infra tests; add it to {nameof(ArmExpression)}."),
        };
    }

    private string ParseString()
    {
        var sb = new StringBuilder();
        at++;
        while (true)
        {
            if (text[at] == '\'')
            {
                if (at + 1 < text.Length && text[at + 1] == '\'')
                {
                    sb.Append('\'');
                    at += 2;
                    continue;
                }

                at++;
                return sb.ToString();
            }

            sb.Append(text[at++]);
        }
    }

    private long ParseNumber()
    {
        int start = at++;
        while (at < text.Length && char.IsDigit(text[at]))
        {
            at++;
        }

        return long.Parse(text[start..at], CultureInfo.InvariantCulture);
    }

    private string ParseName()
    {
        SkipSpaces();
        int start = at;
        while (at < text.Length && (char.IsLetterOrDigit(text[at]) || text[at] == '_'))
        {
            at++;
        }

        return start == at ? throw new FormatException($"Name expected at '{text[at..]}'") : text[start..at];
    }

    private void Expect(char c)
    {
        SkipSpaces();
        if (text[at] != c)
        {
            throw new FormatException($"'{c}' expected at '{text[at..]}'");
        }

        at++;
    }

    private void SkipSpaces()
    {
        while (at < text.Length && text[at] == ' ')
        {
            at++;
        }
    }

    private static object Unwrap(JsonNode node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : (object)node; // (object): string converts to JsonNode implicitly

    private static JsonNode AsNode(object value) => value as JsonNode ?? throw new InvalidOperationException($"'{value}' has no properties");

    private static string AsString(object value) => value switch
    {
        string s => s,
        bool b => b ? "True" : "False",
        long n => n.ToString(CultureInfo.InvariantCulture),
        JsonNode node => node.ToJsonString(),
        _ => throw new InvalidOperationException($"Cannot convert {value.GetType().Name} to a string"),
    };
}
