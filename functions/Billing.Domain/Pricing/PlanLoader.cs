namespace Billing.Domain.Pricing;

/// <summary>
/// Parses and validates one price plan JSON document (format: <c>functions/Billing.Functions/plans/README.md</c>).
/// Pure: the caller reads the file; <c>file</c> is only used in error messages.
/// </summary>
public static class PlanLoader
{
    public static PricePlan Parse(string json, string file, IReadOnlyDictionary<string, IReadOnlyList<string>>? knownMeters = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(file);
        var reader = new Reader(file, knownMeters ?? BillableMeters.Default);
        return JsonShape.Read(json, reader.Fail, reader.Plan);
    }

    private sealed class Reader(string file, IReadOnlyDictionary<string, IReadOnlyList<string>> knownMeters)
    {
        public PricePlan Plan(JsonElement root)
        {
            JsonShape.Object(root, "$", Fail, "id", "description", "currency", "minimumCommitment", "meters");
            string id = RequiredString(root, "id", "id");
            foreach (char c in id)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                {
                    throw Fail("id", $"'{id}' may only contain letters, digits, '-', '_' and '.'");
                }
            }

            string? description = OptionalString(root, "description", "description");
            string code = RequiredString(root, "currency", "currency");
            if (!Currency.TryFromCode(code, out Currency? currency))
            {
                throw Fail("currency", $"unknown currency '{code}' (supported: {string.Join(", ", Currency.SupportedCodes.Order(StringComparer.Ordinal))})");
            }

            Money? minimum = null;
            if (OptionalString(root, "minimumCommitment", "minimumCommitment") is { } minText)
            {
                decimal value = NonNegativeDecimal(minText, "minimumCommitment");
                if (value.Scale > currency.Exponent && Math.Round(value, currency.Exponent) != value)
                {
                    throw Fail("minimumCommitment", $"'{minText}' has more decimals than {currency} allows ({currency.Exponent})");
                }

                // The true-up bills the whole minimum, so it is held to what a plan's month may bill: a larger one made an
                // invoice no JavaScript reader takes exactly, and an adjustment of an earlier month on it could overflow.
                decimal most = new Money(BillableLimit.MonthMinorUnits, currency).ToDecimal();
                if (value > most)
                {
                    throw Fail("minimumCommitment", $"'{minText}' is more than a plan's month may bill: at most {most.ToString(CultureInfo.InvariantCulture)} {currency} (2^53 − 1 minor units)");
                }

                minimum = Money.FromDecimal(value, currency);
            }

            if (!root.TryGetProperty("meters", out JsonElement meters) || meters.ValueKind != JsonValueKind.Array)
            {
                throw Fail("meters", "required array is missing");
            }

            if (meters.GetArrayLength() == 0)
            {
                throw Fail("meters", "a plan must price at least one meter");
            }

            var pricings = new List<MeterPricing>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            int i = 0;
            foreach (JsonElement m in meters.EnumerateArray())
            {
                string path = $"meters[{i++}]";
                MeterPricing pricing = Meter(m, path);
                if (!seen.Add(pricing.Meter))
                {
                    throw Fail(path + ".meter", $"meter '{pricing.Meter}' is priced twice");
                }

                pricings.Add(pricing);
            }

            return new PricePlan(id, currency, pricings, minimum, description);
        }

        private MeterPricing Meter(JsonElement m, string path)
        {
            JsonShape.Object(m, path, Fail, "meter", "description", "unit", "divisor", "rounding", "price", "dimension", "rates");
            string meter = RequiredString(m, "meter", path + ".meter");
            if (!knownMeters.TryGetValue(meter, out IReadOnlyList<string>? dimensions))
            {
                throw Fail(path + ".meter", $"unknown meter '{meter}' (known: {string.Join(", ", knownMeters.Keys.Order(StringComparer.Ordinal))})");
            }

            string description = RequiredString(m, "description", path + ".description");
            string unit = RequiredString(m, "unit", path + ".unit");
            long divisor = 1;
            if (OptionalString(m, "divisor", path + ".divisor") is { } divisorText)
            {
                if (divisorText.Length == 0 || divisorText.Length > 18 || !divisorText.All(char.IsAsciiDigit)
                    || (divisor = long.Parse(divisorText, NumberStyles.None, CultureInfo.InvariantCulture)) < 1)
                {
                    throw Fail(path + ".divisor", $"'{divisorText}' is not a positive integer string");
                }
            }

            QuantityRounding rounding = OptionalString(m, "rounding", path + ".rounding") switch
            {
                null or "none" => QuantityRounding.None,
                "ceil" => QuantityRounding.Ceiling,
                "floor" => QuantityRounding.Floor,
                var other => throw Fail(path + ".rounding", $"unknown rounding '{other}' (expected none, ceil or floor)"),
            };
            var conversion = new UnitConversion(divisor, rounding, unit);

            bool hasPrice = m.TryGetProperty("price", out JsonElement price);
            string? dimension = OptionalString(m, "dimension", path + ".dimension");
            bool hasRates = m.TryGetProperty("rates", out JsonElement rates);
            if (dimension is null)
            {
                if (hasRates)
                {
                    throw Fail(path + ".rates", "rates need a 'dimension' to key them");
                }

                if (!hasPrice)
                {
                    throw Fail(path + ".price", "required: either 'price', or 'dimension' with 'rates'");
                }

                return new MeterPricing(meter, description, conversion, Schedule(price, path + ".price"));
            }

            if (hasPrice)
            {
                throw Fail(path + ".price", "give either 'price' or 'dimension' with 'rates', not both");
            }

            if (!dimensions.Contains(dimension, StringComparer.Ordinal))
            {
                throw Fail(path + ".dimension", $"meter '{meter}' has no dimension '{dimension}' (it has: {string.Join(", ", dimensions)})");
            }

            if (!hasRates || rates.ValueKind != JsonValueKind.Object)
            {
                throw Fail(path + ".rates", "required object (dimension value → price) is missing");
            }

            var table = new Dictionary<string, PriceSchedule>(StringComparer.Ordinal);
            foreach (JsonProperty rate in rates.EnumerateObject())
            {
                string ratePath = $"{path}.rates.{rate.Name}";
                if (string.IsNullOrWhiteSpace(rate.Name))
                {
                    throw Fail(path + ".rates", "a dimension value must not be empty");
                }

                if (!table.TryAdd(rate.Name, Schedule(rate.Value, ratePath)))
                {
                    throw Fail(ratePath, "duplicate dimension value");
                }
            }

            if (table.Count == 0)
            {
                throw Fail(path + ".rates", "must price at least one dimension value");
            }

            return new MeterPricing(meter, description, conversion, dimension, table);
        }

        private PriceSchedule Schedule(JsonElement price, string path)
        {
            JsonShape.Object(price, path, Fail, "model", "unitPrice", "tiers");
            string model = RequiredString(price, "model", path + ".model");
            switch (model)
            {
                case "perUnit":
                    if (price.TryGetProperty("tiers", out _))
                    {
                        throw Fail(path + ".tiers", "a perUnit price has 'unitPrice', not tiers");
                    }

                    return PriceSchedule.PerUnit(NonNegativeDecimal(RequiredString(price, "unitPrice", path + ".unitPrice"), path + ".unitPrice"));
                case "graduated":
                case "volume":
                    if (price.TryGetProperty("unitPrice", out _))
                    {
                        throw Fail(path + ".unitPrice", $"a {model} price has tiers, not a single unitPrice");
                    }

                    return new PriceSchedule(model == "graduated" ? TierMode.Graduated : TierMode.Volume, Tiers(price, path + ".tiers"));
                default:
                    throw Fail(path + ".model", $"unknown price model '{model}' (expected perUnit, graduated or volume)");
            }
        }

        private List<PriceTier> Tiers(JsonElement price, string path)
        {
            if (!price.TryGetProperty("tiers", out JsonElement tiers) || tiers.ValueKind != JsonValueKind.Array)
            {
                throw Fail(path, "required array is missing");
            }

            int count = tiers.GetArrayLength();
            if (count == 0)
            {
                throw Fail(path, "needs at least one tier");
            }

            var list = new List<PriceTier>(count);
            decimal? previous = null;
            int i = 0;
            foreach (JsonElement tier in tiers.EnumerateArray())
            {
                string tierPath = $"{path}[{i}]";
                JsonShape.Object(tier, tierPath, Fail, "upTo", "unitPrice", "description");
                string? upToText = OptionalString(tier, "upTo", tierPath + ".upTo");
                bool last = i == count - 1;
                decimal? upTo = null;
                if (last && upToText is not null)
                {
                    throw Fail(tierPath + ".upTo", "the last tier must be unbounded (omit upTo)");
                }

                if (!last)
                {
                    if (upToText is null)
                    {
                        throw Fail(tierPath + ".upTo", "required for every tier but the last");
                    }

                    upTo = NonNegativeDecimal(upToText, tierPath + ".upTo");
                    if (upTo == 0)
                    {
                        throw Fail(tierPath + ".upTo", "must be greater than 0");
                    }

                    if (previous is { } p && upTo <= p)
                    {
                        throw Fail(tierPath + ".upTo", $"tiers must be strictly ascending ({upToText} is not greater than {p.ToString(CultureInfo.InvariantCulture)})");
                    }

                    previous = upTo;
                }

                decimal unitPrice = NonNegativeDecimal(RequiredString(tier, "unitPrice", tierPath + ".unitPrice"), tierPath + ".unitPrice");
                list.Add(new PriceTier(upTo, unitPrice, OptionalString(tier, "description", tierPath + ".description")));
                i++;
            }

            return list;
        }

        private decimal NonNegativeDecimal(string text, string field)
        {
            // Strict: optional '-', digits, optional '.digits'. No exponent, sign '+', spaces or thousands separators.
            ReadOnlySpan<char> s = text;
            ReadOnlySpan<char> body = s.Length > 0 && s[0] == '-' ? s[1..] : s;
            int dot = body.IndexOf('.');
            ReadOnlySpan<char> whole = dot < 0 ? body : body[..dot];
            ReadOnlySpan<char> fraction = dot < 0 ? [] : body[(dot + 1)..];
            if (whole.Length == 0 || whole.ContainsAnyExceptInRange('0', '9')
                || (dot >= 0 && (fraction.Length == 0 || fraction.ContainsAnyExceptInRange('0', '9')))
                || !decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value))
            {
                throw Fail(field, $"'{text}' is not a decimal string (expected e.g. \"0.00001\")");
            }

            if (value < 0 || (value == 0 && s[0] == '-'))
            {
                throw Fail(field, $"must not be negative ('{text}')");
            }

            return value;
        }

        private string RequiredString(JsonElement obj, string name, string field) =>
            OptionalString(obj, name, field) is { } value
                ? value
                : throw Fail(field, "required field is missing");

        private string? OptionalString(JsonElement obj, string name, string field)
        {
            if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                throw Fail(field, $"expected a string, found {value.ValueKind} (decimals are written as strings, e.g. \"0.00001\")");
            }

            string text = value.GetString()!;
            if (string.IsNullOrWhiteSpace(text))
            {
                throw Fail(field, "must not be empty");
            }

            return text;
        }

        public PlanValidationException Fail(string field, string reason) => new(file, field, reason);
    }
}
