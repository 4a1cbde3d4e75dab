namespace Billing.Domain.Events;

/// <summary>
/// Locates the known fields of one event in a single forward pass of <see cref="Utf8JsonReader"/>, without building a
/// document or any string. It accepts exactly what <see cref="JsonText.ParseStrict(ReadOnlyMemory{byte})"/> accepts:
/// nesting up to 64 levels, and no duplicate property names anywhere (CONTRACT: duplicate keys are invalid JSON).
/// Anything else throws <see cref="JsonException"/>.
/// Every other top-level member is a CloudEvents extension attribute; its name and value type are checked as it passes
/// (CloudEvents 1.0.2 §3.1.1 naming, JSON format §2.2 types), so the validator never walks the event twice.
/// </summary>
internal static class EventScanner
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = JsonText.StrictOptions.MaxDepth };

    /// <summary>Fills <paramref name="slots"/>; false when the text is well-formed JSON but not an object.</summary>
    /// <param name="json">The event's UTF-8 text.</param>
    /// <param name="slots">Where each known field's value lies; absent fields stay <see cref="JsonTokenType.None"/>.</param>
    /// <param name="extensionErrors">Created on the first bad extension attribute (name or value), else left null.</param>
    public static bool Scan(ReadOnlySpan<byte> json, ref FieldSlots slots, ref List<ValidationError>? extensionErrors)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            // Rare: let the document parser give its own error for malformed text, duplicates or depth.
            using (JsonText.ParseStrict(json.ToArray()))
            {
                return false;
            }
        }

        ScanObject(ref reader, json, ref slots, inData: false, ref extensionErrors);
        if (reader.Read())
        {
            throw new JsonException("unexpected content after the event object"); // the reader normally throws first
        }

        return true;
    }

    private static void ScanObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ref FieldSlots slots, bool inData, ref List<ValidationError>? extensionErrors)
    {
        var otherNames = default(PropertyNameSet);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int field = Lookup(ref reader, inData);
            if (field < 0)
            {
                byte[] name = NoteOtherName(ref reader, ref otherNames);
                reader.Read();
                if (!inData)
                {
                    CheckExtension(name, ref reader, json, ref extensionErrors);
                }

                CheckNested(ref reader, json);
                continue;
            }

            ref FieldSlot slot = ref slots[field];
            if (slot.Kind != JsonTokenType.None)
            {
                throw Duplicate(ref reader);
            }

            reader.Read();
            slot.Kind = reader.TokenType;
            if (field == (int)EventField.Data && reader.TokenType == JsonTokenType.StartObject)
            {
                // Where the object lies, for a declared type's second pass (DeclaredEventReader).
                slot.Start = checked((int)reader.TokenStartIndex);
                ScanObject(ref reader, json, ref slots, inData: true, ref extensionErrors);
                slot.Length = checked((int)reader.BytesConsumed) - slot.Start;
            }
            else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                CheckNested(ref reader, json);
            }
            else
            {
                slot.Escaped = reader.ValueIsEscaped;
                slot.Start = checked((int)reader.TokenStartIndex) + (reader.TokenType == JsonTokenType.String ? 1 : 0);
                slot.Length = reader.ValueSpan.Length;
            }
        }
    }

    /// <summary>An object or array nobody reads (an extension, a wrongly typed field): still checked for duplicate names.</summary>
    private static void CheckNested(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        int start = checked((int)reader.TokenStartIndex);
        reader.Skip(); // enforces the depth limit
        int end = checked((int)reader.BytesConsumed);
        using (JsonText.ParseStrict(json[start..end].ToArray()))
        {
        }
    }

    /// <summary>
    /// An extension attribute: the name must be lowercase ASCII letters and digits (a MUST; the 20-character limit is a
    /// SHOULD, so longer names pass), the value a CloudEvents type in JSON: a string (String, Binary, URI, URI-reference
    /// and Timestamp all travel as strings), a boolean, an integer that fits in 32 bits written without fraction or
    /// exponent; a null member is unset and not checked at all.
    /// </summary>
    private static void CheckExtension(byte[] name, ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ref List<ValidationError>? errors)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return; // JSON format §2.2: a null attribute is unset, as if the member were not there
        }

        if (name.Length == 0 || name.AsSpan().ContainsAnyExcept(ExtensionNameChars))
        {
            (errors ??= new(2)).Add(new(ErrorName(name), "is not a valid extension attribute name: CloudEvents names are lowercase letters a-z and digits only"));
            return;
        }

        string? reason = reader.TokenType switch
        {
            JsonTokenType.True or JsonTokenType.False => null,
            JsonTokenType.Number => IsInt32(reader.ValueSpan) ? null : "must be a CloudEvents integer: a whole number from -2147483648 to 2147483647 without fraction or exponent",
            JsonTokenType.String => CheckString(ref reader, json),
            _ => "must be a CloudEvents attribute value (string, boolean or 32-bit integer), not an object or array",
        };
        if (reason is not null)
        {
            (errors ??= new(2)).Add(new(ErrorName(name), reason));
        }
    }

    private static string? CheckString(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        ReadOnlySpan<byte> value = reader.ValueSpan;
        if (reader.ValueIsEscaped)
        {
            byte[] buffer = new byte[value.Length];
            try
            {
                value = buffer.AsSpan(0, reader.CopyString(buffer));
            }
            catch (InvalidOperationException)
            {
                return JsonText.NotUnicodeText;
            }
        }

        if (!System.Text.Unicode.Utf8.IsValid(value))
        {
            return JsonText.NotUnicodeText;
        }

        return CloudEventsText.IsValidString(value) ? null : "must not contain control characters (U+0000-U+001F, U+007F-U+009F)";
    }

    private static bool IsInt32(ReadOnlySpan<byte> number)
    {
        // JSON format §2.2: "only the integer component optionally prefixed with a minus sign is permitted".
        var digits = number.Length > 0 && number[0] == '-' ? number[1..] : number;
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9')
            && System.Buffers.Text.Utf8Parser.TryParse(number, out int _, out int consumed) && consumed == number.Length;
    }

    private static readonly System.Buffers.SearchValues<byte> ExtensionNameChars = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789"u8);

    /// <summary>The member name as an error's field: its text, shortened when a hostile name is long.</summary>
    private static string ErrorName(byte[] name)
    {
        string text = System.Text.Encoding.UTF8.GetString(name);
        return text.Length > 64 ? text[..64] + "…" : text;
    }

    /// <summary>Remembers a property name the validator does not read, unescaped, to reject its duplicate; returns it.</summary>
    private static byte[] NoteOtherName(ref Utf8JsonReader reader, ref PropertyNameSet names)
    {
        byte[] name = reader.ValueSpan.ToArray();
        if (reader.ValueIsEscaped)
        {
            name = name[..Unescape(ref reader, name)]; // unescaping never lengthens
        }

        return names.Add(name) ? name : throw Duplicate(ref reader);
    }

    private static JsonException Duplicate(ref Utf8JsonReader reader) =>
        new($"duplicate property '{System.Text.Encoding.UTF8.GetString(reader.ValueSpan)}' at byte {reader.TokenStartIndex}");

    private static int Lookup(ref Utf8JsonReader reader, bool inData)
    {
        if (!reader.ValueIsEscaped)
        {
            return inData ? DataField(reader.ValueSpan) : EnvelopeField(reader.ValueSpan);
        }

        // Every known name is short ASCII; an escaped name longer than 6 × 21 bytes cannot unescape to one.
        if (reader.ValueSpan.Length > 128)
        {
            return -1;
        }

        Span<byte> name = stackalloc byte[128];
        int length = Unescape(ref reader, name);
        return inData ? DataField(name[..length]) : EnvelopeField(name[..length]);
    }

    /// <summary>Unescapes a property name; one holding an escaped lone surrogate is not text, so not JSON we accept.</summary>
    private static int Unescape(ref Utf8JsonReader reader, scoped Span<byte> destination)
    {
        try
        {
            return reader.CopyString(destination);
        }
        catch (InvalidOperationException ex)
        {
            throw JsonText.InvalidPropertyName(ex);
        }
    }

    private static int EnvelopeField(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 when name.SequenceEqual("id"u8) => (int)EventField.Id,
        4 when name.SequenceEqual("type"u8) => (int)EventField.Type,
        4 when name.SequenceEqual("time"u8) => (int)EventField.Time,
        4 when name.SequenceEqual("data"u8) => (int)EventField.Data,
        6 when name.SequenceEqual("source"u8) => (int)EventField.Source,
        7 when name.SequenceEqual("subject"u8) => (int)EventField.Subject,
        11 when name.SequenceEqual("specversion"u8) => (int)EventField.SpecVersion,
        15 when name.SequenceEqual("datacontenttype"u8) => (int)EventField.DataContentType,
        10 when name.SequenceEqual("dataschema"u8) => (int)EventField.DataSchema,
        11 when name.SequenceEqual("data_base64"u8) => (int)EventField.DataBase64,
        _ => -1,
    };

    private static int DataField(ReadOnlySpan<byte> name) => name.Length switch
    {
        7 when name.SequenceEqual("endTime"u8) => (int)EventField.EndTime,
        7 when name.SequenceEqual("leaseId"u8) => (int)EventField.LeaseId,
        8 when name.SequenceEqual("tenantId"u8) => (int)EventField.TenantId,
        8 when name.SequenceEqual("gpuModel"u8) => (int)EventField.GpuModel,
        8 when name.SequenceEqual("gpuCount"u8) => (int)EventField.GpuCount,
        9 when name.SequenceEqual("sessionId"u8) => (int)EventField.SessionId,
        9 when name.SequenceEqual("hotspotId"u8) => (int)EventField.HotspotId,
        9 when name.SequenceEqual("startTime"u8) => (int)EventField.StartTime,
        10 when name.SequenceEqual("providerId"u8) => (int)EventField.ProviderId,
        11 when name.SequenceEqual("uploadBytes"u8) => (int)EventField.UploadBytes,
        11 when name.SequenceEqual("intervalEnd"u8) => (int)EventField.IntervalEnd,
        13 when name.SequenceEqual("downloadBytes"u8) => (int)EventField.DownloadBytes,
        13 when name.SequenceEqual("intervalStart"u8) => (int)EventField.IntervalStart,
        14 when name.SequenceEqual("subscriberHash"u8) => (int)EventField.SubscriberHash,
        15 when name.SequenceEqual("rewardableBytes"u8) => (int)EventField.RewardableBytes,
        21 when name.SequenceEqual("radioAccessTechnology"u8) => (int)EventField.RadioAccessTechnology,
        _ => -1,
    };
}
