namespace Billing.Domain.Definitions;

/// <summary>
/// Parses and validates one event type definition (format: <c>functions/Billing.Functions/meters/README.md</c>), like
/// <see cref="Pricing.PlanLoader"/>: unknown or duplicate properties are errors, and every error names the file and the
/// field path. Expressions are parsed here, once. Pure: the caller reads the file.
/// </summary>
public static partial class DefinitionLoader
{
    /// <summary>Integer bounds a definition may declare.</summary>
    public const long MaxMagnitude = 1_000_000_000_000_000;

    /// <summary>
    /// Most characters one event's meter readings may take: a fact keeps them in one Table Storage property, which holds
    /// 32K UTF-16 characters (64 KiB). A definition that could produce more would have every event of its type accepted
    /// and then refused by storage, so it is refused at start-up instead.
    /// </summary>
    public const int MaxReadingsChars = 30_000;

    public static EventDefinition Parse(string json, string file)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(file);
        var reader = new Reader(file);
        return JsonShape.Read(json, reader.Fail, reader.Definition);
    }

    [GeneratedRegex(@"^[a-z][a-z0-9]*(\.[a-z0-9_]+)+\.v[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex TypePattern();

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$", RegexOptions.CultureInvariant)]
    private static partial Regex MeterPattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    private sealed class Reader(string file)
    {
        public EventDefinition Definition(JsonElement root)
        {
            JsonShape.Object(root, "$", Fail, "type", "description", "postedBy", "payer", "fields", "checks", "meters");
            string type = String(root, "type", "type", required: true)!;
            if (!TypePattern().IsMatch(type))
            {
                throw Fail("type", $"'{type}' must look like vendor.area.name.v1 (lowercase; {TypePattern()})");
            }

            string description = String(root, "description", "description", required: true)!;
            PartnerRole postedBy = Role(String(root, "postedBy", "postedBy", required: true)!, "postedBy");
            if (postedBy is not (PartnerRole.Carrier or PartnerRole.Provider))
            {
                // Ingestion answers 403 to every other role (docs/contract.md §2): such a type could never be posted.
                throw Fail("postedBy", $"a {postedBy.ToString().ToLowerInvariant()} may not post usage; only carrier or provider");
            }

            var fields = Fields(root);
            PayerRule payer = Payer(root, fields);
            var checks = new List<CheckRule>();
            if (root.TryGetProperty("checks", out var checkArray))
            {
                int i = 0;
                foreach (var c in Array(checkArray, "checks", allowEmpty: true))
                {
                    string path = $"checks[{i++}]";
                    JsonShape.Object(c, path, Fail, "rule", "message");
                    string rule = String(c, "rule", path + ".rule", required: true)!;
                    string message = String(c, "message", path + ".message", required: true)!;
                    try
                    {
                        var (left, op, right) = ExpressionParser.ParseCheck(rule, fields);
                        checks.Add(new CheckRule(rule, left, op, right, message));
                    }
                    catch (FormatException e)
                    {
                        throw Fail(path + ".rule", e.Message);
                    }
                }
            }

            if (!root.TryGetProperty("meters", out var meterArray))
            {
                throw Fail("meters", "required array is missing");
            }

            var meters = new List<DefinedMeter>();
            int m = 0;
            foreach (var element in Array(meterArray, "meters", allowEmpty: false))
            {
                var meter = Meter(element, $"meters[{m++}]", type, fields);
                if (meters.Any(x => x.Name == meter.Name))
                {
                    throw Fail($"meters[{m - 1}].name", $"meter '{meter.Name}' is defined twice");
                }

                meters.Add(meter);
            }

            if (MaxReadingsLength(meters) is var longest and > MaxReadingsChars)
            {
                throw Fail("meters", $"an event's meter readings could take {longest} characters, more than the {MaxReadingsChars} a stored fact holds; use fewer meters or dimensions, or shorter maxLength on the fields they name");
            }

            return new EventDefinition
            {
                Type = type,
                Description = description,
                PostedBy = postedBy,
                Payer = payer,
                Fields = [.. fields.Values.OrderBy(f => f.Index)],
                Checks = checks,
                Meters = meters,
                File = file,
            };
        }

        private Dictionary<string, FieldDefinition> Fields(JsonElement root)
        {
            if (!root.TryGetProperty("fields", out var fields) || fields.ValueKind != JsonValueKind.Object)
            {
                throw Fail("fields", "required object is missing");
            }

            var result = new Dictionary<string, FieldDefinition>(StringComparer.Ordinal);
            foreach (var p in fields.EnumerateObject())
            {
                string path = "fields." + p.Name;
                if (!NamePattern().IsMatch(p.Name) || p.Name.Length > 64)
                {
                    throw Fail(path, "a field name is 1-64 letters, digits or '_', not starting with a digit");
                }

                if (result.ContainsKey(p.Name))
                {
                    throw Fail(path, "duplicate field");
                }

                result[p.Name] = FieldSpecReader.Field(p.Value, p.Name, result.Count, path, Fail);
            }

            return result.Count == 0 ? throw Fail("fields", "a definition declares at least one field") : result;
        }

        private PayerRule Payer(JsonElement root, Dictionary<string, FieldDefinition> fields)
        {
            if (!root.TryGetProperty("payer", out var payer))
            {
                throw Fail("payer", "required: \"source\" or { \"field\": …, \"role\": … }");
            }

            if (payer.ValueKind == JsonValueKind.String)
            {
                return payer.GetString() == "source" ? PayerRule.Source : throw Fail("payer", $"'{payer.GetString()}' is not \"source\" or an object");
            }

            JsonShape.Object(payer, "payer", Fail, "field", "role");
            string field = String(payer, "field", "payer.field", required: true)!;
            if (!fields.TryGetValue(field, out var f))
            {
                throw Fail("payer.field", $"unknown field '{field}'");
            }

            if (f.Kind != FieldKind.Text || f.Optional)
            {
                throw Fail("payer.field", $"field '{field}' must be a required string (a partner id)");
            }

            PartnerRole role = Role(String(payer, "role", "payer.role", required: true)!, "payer.role");
            return new PayerRule(field, role);
        }

        private DefinedMeter Meter(JsonElement m, string path, string type, Dictionary<string, FieldDefinition> fields)
        {
            JsonShape.Object(m, path, Fail, "name", "description", "aggregation", "value", "unit", "dimensions");
            string name = String(m, "name", path + ".name", required: true)!;
            if (!MeterPattern().IsMatch(name))
            {
                throw Fail(path + ".name", $"'{name}' must look like area.quantity (lowercase; {MeterPattern()})");
            }

            string description = String(m, "description", path + ".description", required: true)!;
            Aggregation aggregation = String(m, "aggregation", path + ".aggregation", required: true) switch
            {
                "SUM" => Aggregation.Sum,
                "COUNT" => Aggregation.Count,
                "MAX" => Aggregation.Max,
                "LATEST" => Aggregation.Latest,
                "UNIQUE_COUNT" => Aggregation.UniqueCount,
                var other => throw Fail(path + ".aggregation", $"unknown aggregation '{other}' (SUM, COUNT, MAX, LATEST or UNIQUE_COUNT)"),
            };
            string unit = String(m, "unit", path + ".unit", required: true)!;
            string? valueText = String(m, "value", path + ".value", required: false);
            Expression? value = null;
            FieldDefinition? distinct = null;
            if (aggregation == Aggregation.Count)
            {
                if (valueText is not null)
                {
                    throw Fail(path + ".value", "COUNT counts events and takes no value");
                }
            }
            else if (valueText is null)
            {
                throw Fail(path + ".value", "required for " + aggregation.ToString().ToUpperInvariant());
            }
            else if (aggregation == Aggregation.UniqueCount)
            {
                if (!fields.TryGetValue(valueText, out distinct))
                {
                    throw Fail(path + ".value", $"UNIQUE_COUNT counts the values of one field; unknown field '{valueText}'");
                }

                if (distinct.Kind == FieldKind.Time)
                {
                    throw Fail(path + ".value", $"UNIQUE_COUNT needs a string, enum, base58, h3 or integer field; '{valueText}' is a time");
                }
            }
            else
            {
                try
                {
                    value = ExpressionParser.ParseValue(valueText, fields);
                }
                catch (FormatException e)
                {
                    throw Fail(path + ".value", e.Message);
                }
            }

            if (!m.TryGetProperty("dimensions", out var dims) || dims.ValueKind != JsonValueKind.Object)
            {
                throw Fail(path + ".dimensions", "required object (may be empty) is missing");
            }

            var dimensions = new List<KeyValuePair<string, FieldDefinition>>();
            foreach (var d in dims.EnumerateObject())
            {
                string dpath = $"{path}.dimensions.{d.Name}";
                if (!NamePattern().IsMatch(d.Name) || d.Name.Length > 64)
                {
                    throw Fail(dpath, "a dimension name is 1-64 letters, digits or '_', not starting with a digit");
                }

                if (dimensions.Any(x => x.Key == d.Name))
                {
                    throw Fail(dpath, "duplicate field");
                }

                if (d.Value.ValueKind != JsonValueKind.String || !fields.TryGetValue(d.Value.GetString()!, out var field))
                {
                    throw Fail(dpath, $"must name a declared field (found {d.Value})");
                }

                if (!field.IsText && field.Kind != FieldKind.WholeNumber)
                {
                    throw Fail(dpath, $"field '{field.Name}' is a time; a dimension is a string, enum, base58, h3 or integer field");
                }

                dimensions.Add(KeyValuePair.Create(d.Name, field));
            }

            return new DefinedMeter
            {
                Name = name,
                Description = description,
                Aggregation = aggregation,
                Value = value,
                DistinctField = distinct,
                Unit = unit,
                Dimensions = dimensions,
                Definition = new MeterDefinition(name, aggregation, type, [.. dimensions.Select(d => d.Key)]),
            };
        }

        /// <summary>High estimate of the readings' JSON (<c>{"m","a","q","d":[[name,value]…],"u"}</c> per meter) for the longest values.</summary>
        private static long MaxReadingsLength(List<DefinedMeter> meters) =>
            2 + meters.Sum(m => 64L + m.Name.Length + (m.DistinctField is { } f ? 8 + f.MaxJsonChars : 0)
                + m.Dimensions.Sum(d => 8L + d.Key.Length + d.Value.MaxJsonChars));

        private PartnerRole Role(string text, string field) => text switch
        {
            "carrier" => PartnerRole.Carrier,
            "provider" => PartnerRole.Provider,
            "tenant" => PartnerRole.Tenant,
            _ => throw Fail(field, $"unknown role '{text}' (carrier, provider or tenant)"),
        };

        private JsonElement.ArrayEnumerator Array(JsonElement element, string path, bool allowEmpty)
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                throw Fail(path, $"expected an array, found {element.ValueKind}");
            }

            return !allowEmpty && element.GetArrayLength() == 0 ? throw Fail(path, "needs at least one entry") : element.EnumerateArray();
        }

        private string? String(JsonElement obj, string name, string field, bool required) => JsonShape.String(obj, name, field, required, Fail);

        public DefinitionValidationException Fail(string field, string reason) => new(file, field, reason);
    }
}
