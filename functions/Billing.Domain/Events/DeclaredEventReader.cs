using System.Globalization;
using System.Text;
using System.Text.Json;
using Billing.Domain.Definitions;
using Billing.Domain.Metering;
using Billing.Domain.Partners;

namespace Billing.Domain.Events;

/// <summary>
/// The <c>data</c> of a declared event type (<see cref="EventDefinition"/>): a second pass over the data object only,
/// after the envelope passed the same rules as the built-in types. Reads each declared field by its type and
/// constraints (errors named <c>data.{field}</c>), then the checks, the meters' values (a negative value is an error
/// named after the meter), the payer rule and the plan's pricing dimensions, and builds the fact with its readings.
/// </summary>
internal static class DeclaredEventReader
{
    public static UsageFact? Read(ref FieldReader r, EventHeader header, EventDefinition definition, ValidationContext context, Partner? poster, IPartnerDirectory partners, IPriceCatalog prices)
    {
        var fields = definition.Fields;
        var slots = new FieldSlot[fields.Count];
        var data = r.Raw(EventField.Data);
        List<(string Name, int Start, int Length)>? others = Locate(data, fields, slots);

        long[] numbers = new long[fields.Count];
        string?[] texts = new string?[fields.Count];
        bool[] present = new bool[fields.Count];
        for (int i = 0; i < fields.Count; i++)
        {
            present[i] = ReadField(ref r, data, fields[i], slots[i], out numbers[i], out texts[i]);
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
            CheckPriced(ref r, definition, header, payer, readings, partners, prices);
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
        };
    }

    /// <summary>Finds the declared fields in the data object; returns the other members (name, raw value) for the hash.</summary>
    private static List<(string, int, int)>? Locate(ReadOnlySpan<byte> data, IReadOnlyList<FieldDefinition> fields, FieldSlot[] slots)
    {
        var reader = new Utf8JsonReader(data);
        reader.Read(); // StartObject: the scanner already checked the JSON, duplicates included
        List<(string, int, int)>? others = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            int start = checked((int)reader.TokenStartIndex);
            int index = IndexOf(fields, name);
            var kind = reader.TokenType;
            if (kind is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }

            if (index < 0)
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
    private static bool ReadField(ref FieldReader r, ReadOnlySpan<byte> data, FieldDefinition field, FieldSlot slot, out long number, out string? text)
    {
        number = 0;
        text = null;
        string path = "data." + field.Name;
        if (slot.Kind is JsonTokenType.None or JsonTokenType.Null)
        {
            if (field.Default is { } d)
            {
                number = d;
                return true;
            }

            if (!field.Optional)
            {
                r.Error(path, "is required");
            }

            return false;
        }

        if (field.Kind == FieldKind.WholeNumber)
        {
            var digits = data.Slice(slot.Start, slot.Length);
            if (slot.Kind != JsonTokenType.Number || !System.Buffers.Text.Utf8Parser.TryParse(digits, out number, out int consumed) || consumed != digits.Length)
            {
                r.Error(path, $"must be a whole number between {field.Min} and {field.Max}");
                return false;
            }

            if (number < field.Min || number > field.Max)
            {
                r.Error(path, $"must be between {field.Min} and {field.Max}");
                return false;
            }

            return true;
        }

        if (slot.Kind != JsonTokenType.String)
        {
            r.Error(path, "must be a string");
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
            r.Error(path, "must be valid Unicode text (it contains a lone surrogate)");
            return false;
        }

        string? reason = Check(field, utf8, ref number, ref text);
        if (reason is not null)
        {
            r.Error(path, reason);
            return false;
        }

        return true;
    }

    private static string? Check(FieldDefinition field, ReadOnlySpan<byte> utf8, ref long number, ref string? text)
    {
        switch (field.Kind)
        {
            case FieldKind.Time:
                if (!Rfc3339.TryParse(utf8, out var time))
                {
                    return Rfc3339.Explain(utf8);
                }

                number = time.UtcTicks;
                return null;
            case FieldKind.Enum:
                string given = Encoding.UTF8.GetString(utf8);
                foreach (string value in field.Values)
                {
                    if (value == given)
                    {
                        text = value;
                        return null;
                    }
                }

                return $"must be one of {string.Join(", ", field.Values)}";
            case FieldKind.H3:
                text = Encoding.UTF8.GetString(utf8);
                return H3Index.IsValidCell(utf8, field.Resolution) ? null
                    : field.Resolution is { } res ? $"must be an H3 cell index of resolution {res} (15 lowercase hex digits)" : "must be an H3 cell index (15 lowercase hex digits)";
            case FieldKind.Base58:
                text = Encoding.UTF8.GetString(utf8);
                return Base58.DecodedLength(text) == field.Bytes ? null : $"must be a base58-encoded {field.Bytes}-byte key";
            default:
                text = Encoding.UTF8.GetString(utf8);
                if (!CloudEventsText.IsValidString(utf8))
                {
                    return "must not contain control characters (U+0000-U+001F, U+007F-U+009F)";
                }

                if (text.Length < field.MinLength || text.Length > field.MaxLength)
                {
                    return $"must be {field.MinLength}-{field.MaxLength} characters";
                }

                return field.Pattern is { } pattern && !pattern.IsMatch(text) ? $"must match {pattern}" : null;
        }
    }

    private static string? Payer(ref FieldReader r, EventDefinition definition, EventHeader header, ValidationContext context, Partner? poster, string?[] texts, IPartnerDirectory partners)
    {
        if (definition.Payer.IsSource)
        {
            return poster?.Id ?? header.Source;
        }

        int index = IndexOf(definition.Fields, definition.Payer.Field!);
        string id = texts[index]!;
        string path = "data." + definition.Payer.Field;
        string role = definition.Payer.Role!.Value.ToString().ToLowerInvariant();
        var payer = partners.Find(id);
        if (payer is null || payer.Role != definition.Payer.Role)
        {
            r.Error(path, $"'{id}' is not a registered {role}");
            return null;
        }

        if (payer.Status == PartnerStatus.Disabled && context.PostingPartner is not null)
        {
            // As for compute usage: refused at ingestion only, so what was accepted before is still metered.
            r.Error(path, $"'{id}' is disabled");
            return null;
        }

        return id;
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
    private static void CheckPriced(ref FieldReader r, EventDefinition definition, EventHeader header, string payerId, List<MeterReading> readings, IPartnerDirectory partners, IPriceCatalog prices)
    {
        if (partners.Find(payerId) is not { } payer)
        {
            r.Error(definition.Payer.IsSource ? "source" : "data." + definition.Payer.Field, $"'{payerId}' is not a registered partner");
            return;
        }

        if (payer.PlanFor(BillingPeriod.Containing(header.Time!.Value)) is not { } plan)
        {
            r.Error(definition.Payer.IsSource ? "source" : "data." + definition.Payer.Field, $"'{payerId}' has no price plan, so it cannot pay for '{definition.Type}'");
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
                    r.Error(path, $"'{value}' is not priced in plan '{plan}'");
                }
            }
        }
    }
}
