namespace Billing.Domain.Events;

/// <summary>
/// The <c>data</c> of a declared event type (<see cref="EventDefinition"/>): a second pass over the data object only,
/// after the envelope passed the same rules as the built-in types. Reads each declared field by its type and
/// constraints (errors named <c>data.{field}</c>), then the checks, the meters' values (a negative value is an error
/// named after the meter), the payer rule and the plan's pricing dimensions, and builds the fact with its readings.
/// </summary>
internal static class DeclaredEventReader
{
    /// <summary>Each definition's field names and enum values in UTF-8, made once: the data pass compares bytes, never makes strings to compare.</summary>
    private static readonly ConditionalWeakTable<EventDefinition, Utf8Definition> Utf8 = [];

    public static UsageFact? Read(ref FieldReader r, EventHeader header, EventDefinition definition, bool claimsId, ValidationContext context, Partner? poster, IPartnerDirectory partners, IPriceCatalog prices)
    {
        var fields = definition.Fields;
        var utf8 = Utf8.GetValue(definition, static d => new Utf8Definition(d));
        var slots = new FieldSlot[fields.Count];
        var data = r.Raw(EventField.Data);
        List<(string Name, int Start, int Length)>? others = Locate(data, utf8.Names, slots);

        long[] numbers = new long[fields.Count];
        string?[] texts = new string?[fields.Count];
        bool[] present = new bool[fields.Count];
        for (int i = 0; i < fields.Count; i++)
        {
            present[i] = ReadField(ref r, data, fields[i], utf8, slots[i], out numbers[i], out texts[i]);
        }

        if (r.HasErrors || !header.IsComplete)
        {
            return null;
        }

        long timeTicks = header.Time!.Value.UtcTicks;
        foreach (var check in definition.Checks)
        {
            if (!check.Holds(numbers, timeTicks))
            {
                int first = check.Left.Fields().Concat(check.Right.Fields()).DefaultIfEmpty(-1).First();
                r.Error(first < 0 ? "data" : "data." + fields[first].Name, check.Message);
            }
        }

        if (r.HasErrors)
        {
            return null;
        }

        string? payer = Payer(ref r, definition, header, context, poster, texts, partners);
        var readings = new List<MeterReading>(definition.Meters.Count);
        foreach (var meter in definition.Meters)
        {
            if (Reading(ref r, meter, numbers, texts, present, timeTicks) is { } reading)
            {
                readings.Add(reading);
            }
        }

        if (payer is not null && !r.HasErrors)
        {
            CheckPriced(ref r, definition, header, context, payer, readings, partners, prices);
        }

        if (r.HasErrors || payer is null)
        {
            return null;
        }

        var hash = new ContentHasher(header, payer);
        for (int i = 0; i < fields.Count; i++)
        {
            hash.Add(present[i] ? 1L : 0L);
            if (texts[i] is { } text)
            {
                hash.Add(text);
            }
            else if (present[i] && fields[i].IsText)
            {
                hash.Add(data.Slice(slots[i].Start, slots[i].Length)); // a text not kept: its bytes are its UTF-8
            }
            else
            {
                hash.Add(numbers[i]);
            }
        }

        foreach (var (name, start, length) in others ?? [])
        {
            hash.Add(name);
            hash.Add(data.Slice(start, length)); // undeclared members count for conflicts, as they are
        }

        return new UsageFact(header, payer, definition.Type, hash.Finish())
        {
            Readings = readings,
            ClaimsId = claimsId || !definition.Payer.IsSource, // the poster's role may post a payer-naming type: UsageEventValidator.ClaimsIds
        };
    }

    /// <summary>Finds the declared fields in the data object; returns the other members (name, raw value) for the hash.</summary>
    private static List<(string, int, int)>? Locate(ReadOnlySpan<byte> data, byte[][] names, FieldSlot[] slots)
    {
        var reader = new Utf8JsonReader(data);
        reader.Read(); // StartObject: the scanner already checked the JSON, duplicates included
        List<(string, int, int)>? others = null;
        int expected = 0; // members usually come in declaration order: try the next field first
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int index = IndexOf(ref reader, names, expected);
            string? name = index < 0 ? reader.GetString()! : null;
            expected = index + 1;
            reader.Read();
            int start = checked((int)reader.TokenStartIndex);
            var kind = reader.TokenType;
            if (kind is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }

            if (name is not null)
            {
                (others ??= []).Add((name, start, checked((int)reader.BytesConsumed) - start));
                continue;
            }

            slots[index] = new FieldSlot
            {
                Kind = kind,
                Escaped = kind == JsonTokenType.String && reader.ValueIsEscaped,
                Start = start + (kind == JsonTokenType.String ? 1 : 0),
                Length = kind is JsonTokenType.String or JsonTokenType.Number ? reader.ValueSpan.Length : 0,
            };
        }

        return others;
    }

    /// <summary>The declared field the reader's property name is, or -1; starts at <paramref name="expected"/>.</summary>
    private static int IndexOf(ref Utf8JsonReader reader, byte[][] names, int expected)
    {
        for (int k = 0; k < names.Length; k++)
        {
            int i = (expected + k) % names.Length;
            if (reader.ValueTextEquals(names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static int IndexOf(IReadOnlyList<FieldDefinition> fields, string name)
    {
        for (int i = 0; i < fields.Count; i++)
        {
            if (fields[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>One field's value: integers and times (UTC ticks) in <paramref name="number"/>, text kinds in <paramref name="text"/>.</summary>
    private static bool ReadField(ref FieldReader r, ReadOnlySpan<byte> data, FieldDefinition field, Utf8Definition declared, FieldSlot slot, out long number, out string? text)
    {
        number = 0;
        text = null;
        if (slot.Kind is JsonTokenType.None or JsonTokenType.Null)
        {
            if (field.Default is { } d)
            {
                number = d;
                return true;
            }

            if (!field.Optional)
            {
                r.Error(Path(field), "is required");
            }

            return false;
        }

        if (field.Kind == FieldKind.WholeNumber)
        {
            var digits = data.Slice(slot.Start, slot.Length);
            if (slot.Kind != JsonTokenType.Number || !System.Buffers.Text.Utf8Parser.TryParse(digits, out number, out int consumed) || consumed != digits.Length)
            {
                r.Error(Path(field), $"must be a whole number between {field.Min} and {field.Max}");
                return false;
            }

            if (number < field.Min || number > field.Max)
            {
                r.Error(Path(field), $"must be between {field.Min} and {field.Max}");
                return false;
            }

            return true;
        }

        if (slot.Kind != JsonTokenType.String)
        {
            r.Error(Path(field), "must be a string");
            return false;
        }

        ReadOnlySpan<byte> utf8 = data.Slice(slot.Start, slot.Length);
        if (slot.Escaped)
        {
            var reader = new Utf8JsonReader(data.Slice(slot.Start - 1, slot.Length + 2));
            reader.Read();
            byte[] buffer = new byte[slot.Length];
            try
            {
                utf8 = buffer.AsSpan(0, reader.CopyString(buffer));
            }
            catch (InvalidOperationException)
            {
                utf8 = [0xFF]; // a lone surrogate: reported below
            }
        }

        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            r.Error(Path(field), JsonText.NotUnicodeText);
            return false;
        }

        // An escaped value is decoded already: keep its text for the hash; a plain one not kept is hashed from the event's bytes.
        string? reason = DeclaredValueRules.Check(field, declared.Values[field.Index], utf8, declared.Keep[field.Index] || slot.Escaped, ref number, ref text);
        if (reason is not null)
        {
            r.Error(Path(field), reason);
            return false;
        }

        return true;
    }

    /// <summary>A field's error path, made only when there is an error.</summary>
    private static string Path(FieldDefinition field) => "data." + field.Name;

    private static string? Payer(ref FieldReader r, EventDefinition definition, EventHeader header, ValidationContext context, Partner? poster, string?[] texts, IPartnerDirectory partners)
    {
        if (definition.Payer.IsSource)
        {
            return poster?.Id ?? header.Source;
        }

        int index = IndexOf(definition.Fields, definition.Payer.Field!);
        string id = texts[index]!;
        return PayerAnswers.Find(ref r, "data." + definition.Payer.Field, id, definition.Payer.Role!.Value, header.Source, context, partners)?.Id;
    }

    private static MeterReading? Reading(ref FieldReader r, DefinedMeter meter, long[] numbers, string?[] texts, bool[] present, long timeTicks)
    {
        string? distinct = null;
        long quantity = 1;
        if (meter.DistinctField is { } f)
        {
            if (!present[f.Index])
            {
                return null; // an optional field without a value: the meter skips the event
            }

            distinct = texts[f.Index] ?? numbers[f.Index].ToString(CultureInfo.InvariantCulture);
        }
        else if (meter.Value is { } value)
        {
            try
            {
                quantity = value.Evaluate(numbers, timeTicks);
            }
            catch (OverflowException)
            {
                r.Error(meter.Name, "the value overflows a 64-bit integer");
                return null;
            }

            if (quantity < 0)
            {
                r.Error(meter.Name, $"must not be negative (it is {quantity})");
                return null;
            }
        }

        var dimensions = new KeyValuePair<string, string>[meter.Dimensions.Count];
        for (int i = 0; i < dimensions.Length; i++)
        {
            var (name, field) = meter.Dimensions[i];
            string v = !present[field.Index] ? "" : texts[field.Index] ?? numbers[field.Index].ToString(CultureInfo.InvariantCulture);
            dimensions[i] = KeyValuePair.Create(name, v);
        }

        return new MeterReading(meter.Name, meter.Aggregation, quantity, dimensions, distinct);
    }

    /// <summary>As for <c>gpuModel</c>: a dimension value the payer's plan prices by, but does not price, is rejected now, not left unbillable.</summary>
    private static void CheckPriced(ref FieldReader r, EventDefinition definition, EventHeader header, ValidationContext context, string payerId, List<MeterReading> readings, IPartnerDirectory partners, IPriceCatalog prices)
    {
        string payerField = definition.Payer.IsSource ? "source" : "data." + definition.Payer.Field;
        bool own = PayerAnswers.IsOwn(context, header.Source, payerId);
        if (partners.Find(payerId) is not { } payer)
        {
            r.UnknownPartner(payerField, own ? partners.NotRegistered(payerId, "partner") : PayerAnswers.NotUsable(payerId, "partner"));
            return;
        }

        if (!UnpricedUsage.CanBill(payer, BillingPeriod.Containing(header.Time!.Value), definition.Type, prices,
            p => definition.Meters.Any(m => p.FindMeter(m.Name) is not null), own, out string? plan, out string? problem))
        {
            r.Error(payerField, problem);
            return;
        }

        foreach (var reading in readings)
        {
            if (prices.PricingDimension(plan, reading.Meter) is { } dimension && reading.Dimension(dimension) is { } value && !prices.IsPriced(plan, reading.Meter, value))
            {
                var field = definition.Meters.First(m => m.Name == reading.Meter).Dimensions.First(d => d.Key == dimension).Value;
                string path = "data." + field.Name;
                if (r.Errors?.Exists(e => e.Field == path) != true)
                {
                    r.Error(path, $"'{value}' is not priced in {PayerAnswers.Plan(plan, payerId, own)}");
                }
            }

            // A MAX or LATEST month is one value a group: one too large for the plan's limit could never be billed.
            if (reading.Aggregation is Aggregation.Max or Aggregation.Latest && prices.FindPlan(plan) is { } priced
                && priced.FindMeter(reading.Meter) is { } pricing && reading.Quantity > Pricing.BillableLimit.EachValue(priced, pricing))
            {
                // The limit follows from the plan's prices: told to the payer only.
                r.Error(reading.Meter, $"{reading.Quantity} is more than one month can bill under {PayerAnswers.Plan(plan, payerId, own)}"
                    + (own ? $" (at most {Pricing.BillableLimit.EachValue(priced, pricing)})" : ""));
            }
        }
    }
}
