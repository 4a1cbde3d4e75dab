using System.Text.Json;

namespace Billing.Cli.Tests.Generation;

/// <summary>
/// Checks an event against its committed definition (functions/Billing.Functions/meters/{type}.json), read and
/// interpreted here independently of the engine: envelope, every field's type and constraints, the cross-field checks
/// and that every meter value is ≥ 0. Returns the problems as <c>field: reason</c>; empty = valid.
/// </summary>
internal static partial class DefinitionChecker
{
    private static readonly HashSet<int> Pentagons = [4, 14, 24, 38, 49, 58, 63, 72, 83, 97, 107, 117];

    public static JsonObject Definition(string type) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "functions", "Billing.Functions", "meters", type + ".json")))!.AsObject();

    public static JsonObject Plan(string id) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "functions", "Billing.Functions", "plans", id + ".json")))!.AsObject();

    public static List<string> Check(JsonObject e)
    {
        var problems = new List<string>();
        if ((string?)e["specversion"] != "1.0")
        {
            problems.Add("specversion: must be 1.0");
        }

        foreach (string attribute in new[] { "id", "source", "type", "time" })
        {
            if (e[attribute] is not JsonValue v || v.GetValueKind() != JsonValueKind.String || ((string)v!).Length == 0)
            {
                problems.Add($"{attribute}: is required");
            }
        }

        if (problems.Count > 0 || e["data"] is not JsonObject data)
        {
            problems.Add("data: must be an object");
            return problems;
        }

        var definition = Definition((string)e["type"]!);
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        if (Time((string)e["time"]!) is { } time)
        {
            values["time"] = time;
        }
        else
        {
            problems.Add("time: must be RFC 3339 with an offset");
        }

        foreach (var (name, spec) in definition["fields"]!.AsObject())
        {
            CheckField(name, spec!.AsObject(), data[name], values, problems);
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        foreach (var check in definition["checks"]?.AsArray() ?? [])
        {
            if (!Holds((string)check!["rule"]!, values))
            {
                problems.Add($"data: {(string)check["message"]!}");
            }
        }

        foreach (var meter in definition["meters"]!.AsArray())
        {
            if ((string?)meter!["aggregation"] is "SUM" or "MAX" or "LATEST" && Evaluate((string)meter["value"]!, values) is long v && v < 0)
            {
                problems.Add($"{(string)meter["name"]!}: value {v} is negative");
            }
        }

        return problems;
    }

    /// <summary>An independent decoder of an H3 cell index: mode 1, reserved bits 0, base cell, digits, pentagon rule.</summary>
    public static string? H3Problem(string text, int? resolution)
    {
        if (!H3Text().IsMatch(text))
        {
            return "must be 15 lowercase hex digits";
        }

        ulong h = ulong.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        int res = (int)((h >> 52) & 0xF), baseCell = (int)((h >> 45) & 0x7F);
        var digits = Enumerable.Range(1, 15).Select(r => (int)((h >> ((15 - r) * 3)) & 7)).ToArray();
        return (h >> 63) != 0 || ((h >> 59) & 0xF) != 1 ? "is not a cell (mode 1)"
            : ((h >> 56) & 7) != 0 ? "has reserved bits set"
            : resolution is { } want && res != want ? $"has resolution {res}, not {want}"
            : baseCell >= 122 ? $"has base cell {baseCell} (0-121)"
            : digits.Take(res).Any(d => d > 6) ? "has a digit 7 within its resolution"
            : digits.Skip(res).Any(d => d != 7) ? "has a digit other than 7 beyond its resolution"
            : Pentagons.Contains(baseCell) && digits.Take(res).FirstOrDefault(d => d != 0) == 1 ? "is a deleted pentagon subsequence (first non-zero digit 1)"
            : null;
    }

    private static void CheckField(string name, JsonObject spec, JsonNode? node, Dictionary<string, object> values, List<string> problems)
    {
        string at = "data." + name;
        string type = (string)spec["type"]!;
        if (node is null)
        {
            if (type == "integer" && spec["default"] is { } d)
            {
                values[name] = (long)d;
            }
            else if (spec["optional"]?.GetValue<bool>() != true)
            {
                problems.Add($"{at}: is required");
            }

            return;
        }

        var kind = node.GetValueKind();
        if (type == "integer")
        {
            string raw = node.ToJsonString();
            if (kind != JsonValueKind.Number || !IntegerText().IsMatch(raw) || !long.TryParse(raw, CultureInfo.InvariantCulture, out long n))
            {
                problems.Add($"{at}: must be an integer");
            }
            else if (n < (long)spec["min"]! || n > (long)spec["max"]!)
            {
                problems.Add($"{at}: {n} is outside [{(long)spec["min"]!}, {(long)spec["max"]!}]");
            }
            else
            {
                values[name] = n;
            }

            return;
        }

        if (kind != JsonValueKind.String)
        {
            problems.Add($"{at}: must be a string");
            return;
        }

        string s = (string)node!;
        string? problem = type switch
        {
            // maxLength is required by the format, but depin.bandwidth.usage.v1's country has only a pattern: 256, the format's cap
            "string" => s.Length < ((int?)spec["minLength"] ?? 1) || s.Length > ((int?)spec["maxLength"] ?? 256) ? "has a length outside the bounds"
                : s.Any(char.IsControl) ? "must be printable"
                : spec["pattern"] is { } p && !Regex.IsMatch(s, (string)p!, RegexOptions.None, TimeSpan.FromSeconds(1)) ? $"does not match {(string)p!}"
                : null,
            "enum" => spec["values"]!.AsArray().Any(v => (string?)v == s) ? null : "is not one of the values",
            "base58" => Base58Length(s) == (int)spec["bytes"]! ? null : $"must be base58 of {(int)spec["bytes"]!} bytes",
            "time" => Time(s) is null ? "must be RFC 3339 with an offset" : null,
            "h3" => H3Problem(s, (int?)spec["resolution"]),
            _ => $"unknown field type '{type}'",
        };
        if (problem is not null)
        {
            problems.Add($"{at}: {problem}");
        }
        else
        {
            values[name] = type == "time" ? Time(s)!.Value : s;
        }
    }

    private static int Base58Length(string s)
    {
        try
        {
            return SimpleBase.Base58.Bitcoin.Decode(s).Length;
        }
        catch (ArgumentException)
        {
            return -1;
        }
    }

    private static DateTimeOffset? Time(string s) =>
        Rfc3339().IsMatch(s) && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t.ToUniversalTime() : null;

    private static bool Holds(string rule, Dictionary<string, object> values)
    {
        var m = Comparison().Match(rule);
        if (!m.Success)
        {
            throw new FormatException($"not a comparison: {rule}");
        }

        int c = Comparer<object>.Create((a, b) => a is DateTimeOffset x && b is DateTimeOffset y ? x.CompareTo(y) : ((long)a).CompareTo((long)b))
            .Compare(Evaluate(m.Groups[1].Value, values), Evaluate(m.Groups[3].Value, values));
        return m.Groups[2].Value switch
        {
            "<" => c < 0,
            "<=" => c <= 0,
            ">" => c > 0,
            ">=" => c >= 0,
            "==" => c == 0,
            _ => c != 0,
        };
    }

    /// <summary>The definition format's expressions: + - *, parentheses, integers, fields, <c>seconds(t2 - t1)</c>.</summary>
    private static object Evaluate(string expression, Dictionary<string, object> values)
    {
        var tokens = Token().Matches(expression).Select(t => t.Value).ToList();
        int i = 0;
        object result = Sum();
        return i == tokens.Count ? result : throw new FormatException($"unexpected '{tokens[i]}' in {expression}");

        object Sum()
        {
            object left = Product();
            while (i < tokens.Count && tokens[i] is "+" or "-")
            {
                string op = tokens[i++];
                object right = Product();
                left = (left, right, op) switch
                {
                    (DateTimeOffset a, DateTimeOffset b, "-") => a - b,
                    (long a, long b, "+") => checked(a + b),
                    (long a, long b, _) => checked(a - b),
                    _ => throw new FormatException($"cannot {op} {left} and {right}"),
                };
            }

            return left;
        }

        object Product()
        {
            object left = Factor();
            while (i < tokens.Count && tokens[i] == "*")
            {
                i++;
                left = checked((long)left * (long)Factor());
            }

            return left;
        }

        object Factor()
        {
            string t = tokens[i++];
            if (t == "(" || (t == "seconds" && tokens[i++] == "("))
            {
                object inner = Sum();
                i++; // ")"
                return t == "seconds" ? ((TimeSpan)inner).Ticks / TimeSpan.TicksPerSecond : inner;
            }

            return long.TryParse(t, CultureInfo.InvariantCulture, out long n) ? n : values[t];
        }
    }

    [GeneratedRegex("^[0-9a-f]{15}$")]
    private static partial Regex H3Text();

    [GeneratedRegex(@"^-?\d+$")]
    private static partial Regex IntegerText();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$")]
    private static partial Regex Rfc3339();

    [GeneratedRegex(@"^\s*(.+?)\s*(<=|>=|==|!=|<|>)\s*(.+?)\s*$")]
    private static partial Regex Comparison();

    [GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_]*|\d+|[()+*-]")]
    private static partial Regex Token();
}
