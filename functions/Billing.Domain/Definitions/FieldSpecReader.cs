namespace Billing.Domain.Definitions;

/// <summary>Reads one field declaration of a definition (<c>fields.{name}</c>) with the constraints its type allows.</summary>
internal static class FieldSpecReader
{
    public static FieldDefinition Field(JsonElement spec, string name, int index, string path, Func<string, string, Exception> fail)
    {
        if (spec.ValueKind != JsonValueKind.Object)
        {
            throw fail(path, $"expected a JSON object, found {spec.ValueKind}");
        }

        string kindText = JsonShape.String(spec, "type", path + ".type", required: true, fail)!;
        FieldKind kind = kindText switch
        {
            "integer" => FieldKind.WholeNumber,
            "string" => FieldKind.Text,
            "enum" => FieldKind.Enum,
            "base58" => FieldKind.Base58,
            "time" => FieldKind.Time,
            "h3" => FieldKind.H3,
            _ => throw fail(path + ".type", $"unknown field type '{kindText}' (integer, string, enum, base58, time or h3)"),
        };
        string[] allowed = kind switch
        {
            FieldKind.WholeNumber => ["type", "min", "max", "optional", "default"],
            FieldKind.Text => ["type", "minLength", "maxLength", "pattern", "optional"],
            FieldKind.Enum => ["type", "values", "optional"],
            FieldKind.Base58 => ["type", "bytes", "optional"],
            FieldKind.H3 => ["type", "resolution", "optional"],
            _ => ["type", "optional"],
        };
        JsonShape.Object(spec, path, fail, allowed);
        var field = new FieldDefinition
        {
            Name = name,
            Index = index,
            Kind = kind,
            Optional = JsonShape.Boolean(spec, "optional", path + ".optional", fail),
        };
        return kind switch
        {
            FieldKind.WholeNumber => Integer(spec, field, path, fail),
            FieldKind.Text => String(spec, field, path, fail),
            FieldKind.Enum => Enum(spec, field, path, fail),
            FieldKind.Base58 => field with { Bytes = Ranged(spec, "bytes", path, 1, 64, required: true, fail)!.Value },
            FieldKind.H3 => field with { Resolution = Ranged(spec, "resolution", path, 0, 15, required: false, fail) },
            _ => field,
        };
    }

    private static FieldDefinition Integer(JsonElement spec, FieldDefinition field, string path, Func<string, string, Exception> fail)
    {
        long min = JsonShape.Integer(spec, "min", path + ".min", fail) ?? throw fail(path + ".min", "required field is missing");
        long max = JsonShape.Integer(spec, "max", path + ".max", fail) ?? throw fail(path + ".max", "required field is missing");
        if (Int128.Abs(min) > DefinitionLoader.MaxMagnitude)
        {
            throw fail(path + ".min", $"must be within ±10^15 ({min})");
        }

        if (Int128.Abs(max) > DefinitionLoader.MaxMagnitude)
        {
            throw fail(path + ".max", $"must be within ±10^15 ({max})");
        }

        if (min > max)
        {
            throw fail(path + ".max", $"must not be less than min ({max} < {min})");
        }

        long? @default = JsonShape.Integer(spec, "default", path + ".default", fail);
        if (@default is { } d && (d < min || d > max))
        {
            throw fail(path + ".default", $"{d} is outside [{min}, {max}]");
        }

        if (@default is not null && field.Optional)
        {
            throw fail(path + ".default", "a field with a default is not also optional");
        }

        return field with { Min = min, Max = max, Default = @default };
    }

    private static FieldDefinition String(JsonElement spec, FieldDefinition field, string path, Func<string, string, Exception> fail)
    {
        string? patternText = JsonShape.String(spec, "pattern", path + ".pattern", required: false, fail);
        int? maxLength = Ranged(spec, "maxLength", path, 1, 256, required: patternText is null, fail);
        int minLength = Ranged(spec, "minLength", path, 1, 256, required: false, fail) ?? 1;
        if (maxLength is { } max && minLength > max)
        {
            throw fail(path + ".minLength", $"must not exceed maxLength ({minLength} > {max})");
        }

        Regex? pattern = null;
        if (patternText is not null)
        {
            if (!patternText.StartsWith('^') || !patternText.EndsWith('$'))
            {
                throw fail(path + ".pattern", "must be anchored: ^…$");
            }

            try
            {
                pattern = Compile(patternText);
            }
            catch (ArgumentException e)
            {
                throw fail(path + ".pattern", $"not a valid .NET regular expression ({e.Message})");
            }
        }

        // A pattern without maxLength still gets the format's ceiling, so no value is unbounded.
        return field with { MinLength = minLength, MaxLength = maxLength ?? 256, Pattern = pattern };
    }

    /// <summary>
    /// Without backtracking a match takes time linear in the value (at most 256 characters), so no value can make a check
    /// slow, and it runs without a time limit: a limit would only refuse values at random when the host is busy (a
    /// 202-accepted event quarantined at metering for a GC pause). A pattern that needs the backtracking engine
    /// (lookarounds, backreferences, atomic groups, repeats too large for the other engine) keeps a time limit; running out
    /// of it is that value's error (<see cref="Events.DeclaredValueRules"/>), never an exception that fails a request or a batch.
    /// </summary>
    private static Regex Compile(string text)
    {
        try
        {
            return new Regex(text, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, Regex.InfiniteMatchTimeout);
        }
        catch (NotSupportedException)
        {
            return new Regex(text, RegexOptions.CultureInvariant, PatternTimeout);
        }
    }

    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(50);

    private static FieldDefinition Enum(JsonElement spec, FieldDefinition field, string path, Func<string, string, Exception> fail)
    {
        if (!spec.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Array)
        {
            throw fail(path + ".values", "required array is missing");
        }

        var list = new List<string>();
        int i = 0;
        foreach (var v in values.EnumerateArray())
        {
            string vpath = $"{path}.values[{i++}]";
            string? text = v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (text is null || text.Length is 0 or > 64 || text.Any(char.IsControl))
            {
                throw fail(vpath, "must be a string of 1-64 printable characters");
            }

            if (list.Contains(text, StringComparer.Ordinal))
            {
                throw fail(vpath, $"'{text}' is listed twice");
            }

            list.Add(text);
        }

        return list.Count is 0 or > 256 ? throw fail(path + ".values", "needs 1-256 values") : field with { Values = list };
    }

    private static int? Ranged(JsonElement spec, string name, string path, int min, int max, bool required, Func<string, string, Exception> fail)
    {
        long? value = JsonShape.Integer(spec, name, $"{path}.{name}", fail);
        if (value is null)
        {
            return required ? throw fail($"{path}.{name}", "required field is missing") : null;
        }

        return value < min || value > max ? throw fail($"{path}.{name}", $"must be between {min} and {max}") : (int)value.Value;
    }
}
