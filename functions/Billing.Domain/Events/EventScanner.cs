using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Billing.Domain.Events;

/// <summary>The fields of CONTRACT §3 the validator reads: the envelope, then <c>data</c>'s fields of both event types.</summary>
internal enum EventField
{
    SpecVersion,
    Id,
    Source,
    Type,
    Subject,
    DataContentType,
    Time,
    Data,
    SessionId,
    HotspotId,
    SubscriberHash,
    RadioAccessTechnology,
    StartTime,
    EndTime,
    UploadBytes,
    DownloadBytes,
    RewardableBytes,
    LeaseId,
    TenantId,
    ProviderId,
    GpuModel,
    GpuCount,
    IntervalStart,
    IntervalEnd,
}

/// <summary>Where one field's value lies in the event's UTF-8 text. <see cref="JsonTokenType.None"/>: absent.</summary>
/// <remarks>For a string, Start/Length cover the text between the quotes, still escaped when <see cref="Escaped"/>.</remarks>
internal struct FieldSlot
{
    public JsonTokenType Kind;
    public bool Escaped;
    public int Start;
    public int Length;
}

[InlineArray(24)]
internal struct FieldSlots
{
    private FieldSlot first;
}

/// <summary>
/// Locates the known fields of one event in a single forward pass of <see cref="Utf8JsonReader"/>, without building a
/// document or any string. It accepts exactly what <see cref="JsonText.ParseStrict(ReadOnlyMemory{byte})"/> accepts:
/// nesting up to 64 levels, and no duplicate property names anywhere (CONTRACT: duplicate keys are invalid JSON).
/// Anything else throws <see cref="JsonException"/>.
/// </summary>
internal static class EventScanner
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = JsonText.StrictOptions.MaxDepth };

    /// <summary>Fills <paramref name="slots"/>; false when the text is well-formed JSON but not an object.</summary>
    public static bool Scan(ReadOnlySpan<byte> json, ref FieldSlots slots)
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

        ScanObject(ref reader, json, ref slots, inData: false);
        if (reader.Read())
        {
            throw new JsonException("unexpected content after the event object"); // the reader normally throws first
        }

        return true;
    }

    private static void ScanObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ref FieldSlots slots, bool inData)
    {
        List<byte[]>? otherNames = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int field = Lookup(ref reader, inData);
            if (field < 0)
            {
                NoteOtherName(ref reader, ref otherNames);
                reader.Read();
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
                ScanObject(ref reader, json, ref slots, inData: true);
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

    /// <summary>Remembers a property name the validator does not read, unescaped, to reject its duplicate.</summary>
    private static void NoteOtherName(ref Utf8JsonReader reader, ref List<byte[]>? names)
    {
        byte[] name = reader.ValueSpan.ToArray();
        if (reader.ValueIsEscaped)
        {
            name = name[..Unescape(ref reader, name)]; // unescaping never lengthens
        }

        names ??= new List<byte[]>(2);
        foreach (byte[] seen in names)
        {
            if (seen.AsSpan().SequenceEqual(name))
            {
                throw Duplicate(ref reader);
            }
        }

        names.Add(name);
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
