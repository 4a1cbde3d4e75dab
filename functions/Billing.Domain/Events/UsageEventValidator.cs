using System.Text;
using System.Text.Json;
using Billing.Domain.Metering;
using Billing.Domain.Partners;

namespace Billing.Domain.Events;

/// <summary>
/// Validates CloudEvents 1.0 usage events against every rule of CONTRACT §3 and turns valid ones into facts.
/// Pure: the clock and the partner registry come in from outside. Reads the event's UTF-8 text directly: one pass
/// locates the fields (<see cref="EventScanner"/>), then the rules run in a fixed order, so the errors come out in the
/// same order however the JSON is laid out. Only the strings a fact keeps are ever allocated.
/// </summary>
public sealed class UsageEventValidator(IPartnerDirectory partners, IPriceCatalog prices)
{
    private static readonly System.Buffers.SearchValues<byte> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF"u8);

    /// <summary>Validates one event given as UTF-8 JSON text.</summary>
    /// <exception cref="JsonException">The text is not well-formed JSON (including duplicate property names, or nesting
    /// deeper than 64): there is no event to validate.</exception>
    public EventValidationResult Validate(ReadOnlySpan<byte> utf8Event, ValidationContext context)
    {
        var slots = default(FieldSlots);
        List<ValidationError>? extensionErrors = null;
        if (!EventScanner.Scan(utf8Event, ref slots, ref extensionErrors))
        {
            return new(null, null, null, [new("$", "an event must be a JSON object")]);
        }

        var r = new FieldReader(utf8Event, slots);
        if (utf8Event.Length > EventLimits.MaxEventBytes)
        {
            r.Error("$", $"event is {utf8Event.Length} bytes; the limit is {EventLimits.MaxEventBytes}");
        }

        if (r.Utf8(EventField.SpecVersion, "specversion", required: true, out var specVersion) && !specVersion.SequenceEqual("1.0"u8))
        {
            r.Error("specversion", "must be \"1.0\"");
        }

        string? id = null;
        if (r.Utf8(EventField.Id, "id", required: true, out var idText))
        {
            id = Encoding.UTF8.GetString(idText);
            if (!IsValidId(idText))
            {
                r.Error("id", $"must be 1-{EventLimits.MaxIdLength} printable characters");
            }
        }

        string? source = r.String(EventField.Source, "source", required: true);
        bool hasType = r.Utf8(EventField.Type, "type", required: true, out var typeText);
        bool hasSubject = r.Utf8(EventField.Subject, "subject", required: false, out var subject);
        if (hasSubject && subject.IsEmpty)
        {
            r.Error("subject", "must not be empty when present");
        }
        else if (hasSubject && !CloudEventsText.IsValidString(subject))
        {
            r.Error("subject", "must not contain control characters (U+0000-U+001F, U+007F-U+009F)");
        }

        if (r.Utf8(EventField.DataContentType, "datacontenttype", required: false, out var contentType) && !CloudEventsText.IsJsonMediaType(contentType))
        {
            r.Error("datacontenttype", "must declare JSON data: application/json, text/json or a media type ending in +json (parameters such as charset allowed)");
        }

        if (r.Utf8(EventField.DataSchema, "dataschema", required: false, out var dataSchema) && !CloudEventsText.IsAbsoluteUri(dataSchema))
        {
            r.Error("dataschema", "must be a non-empty absolute URI, e.g. https://example.com/schemas/usage.json");
        }

        if (extensionErrors is not null)
        {
            // Sorted, so the errors come out in the same order however the members are laid out.
            extensionErrors.Sort((a, b) => string.CompareOrdinal(a.Field, b.Field));
            foreach (var error in extensionErrors)
            {
                r.Error(error.Field, error.Reason);
            }
        }

        DateTimeOffset? time = r.Time(EventField.Time, "time");
        if (time is { } t)
        {
            if (t - context.Now > EventLimits.MaxFutureSkew)
            {
                r.Error("time", $"is more than {EventLimits.MaxFutureSkew.TotalMinutes:0} minutes in the future");
            }
            else if (context.Now - t > EventLimits.MaxAge)
            {
                r.Error("time", $"is more than {EventLimits.MaxAge.TotalDays:0} days in the past");
            }
        }

        Partner? poster = null;
        if (source is not null)
        {
            if (context.PostingPartner is not null && source != context.PostingPartner)
            {
                r.Error("source", $"must be the posting partner's id '{context.PostingPartner}'");
            }
            else
            {
                poster = partners.Find(source);
                if (poster is null)
                {
                    r.Error("source", $"'{source}' is not a registered partner");
                }
            }
        }

        string? type = hasType ? EventTypes.Find(typeText) : null;
        if (hasType && type is null)
        {
            r.Error("type", $"unknown event type '{Encoding.UTF8.GetString(typeText)}'");
        }

        if (type is not null && poster is not null && !MayPost(poster.Role, type))
        {
            r.Error("type", $"a {poster.Role.ToString().ToLowerInvariant()} partner may not post '{type}'");
        }

        var dataKind = r.Kind(EventField.Data);
        bool hasBase64 = r.Kind(EventField.DataBase64) is not (JsonTokenType.None or JsonTokenType.Null);
        if (hasBase64 && dataKind != JsonTokenType.None)
        {
            r.Error("data_base64", "must not be present together with data");
        }

        if (dataKind != JsonTokenType.StartObject)
        {
            r.Error("data", dataKind != JsonTokenType.None ? "must be an object" : hasBase64 ? "is required: usage data is a JSON object in 'data', not base64 in 'data_base64'" : "is required");
            return new(id, source, null, r.Errors);
        }

        var header = new Header { Id = id, Source = source, Type = type, Time = time, HasSubject = hasSubject, Subject = subject };
        UsageFact? fact = type switch
        {
            EventTypes.CarrierOffloadV1 => ReadCarrier(ref r, header),
            EventTypes.ComputeUsageV1 => ReadCompute(ref r, header),
            _ => null,
        };

        return new(id, source, r.HasErrors ? null : fact, r.Errors);
    }

    /// <summary>The envelope fields a fact needs; incomplete while any of them failed validation.</summary>
    private ref struct Header
    {
        public string? Id;
        public string? Source;
        public string? Type;
        public DateTimeOffset? Time;
        public bool HasSubject;
        public ReadOnlySpan<byte> Subject;

        public readonly bool IsComplete => Id is not null && Source is not null && Type is not null && Time is not null;
    }

    public static bool MayPost(PartnerRole role, string type) =>
        (role, type) is (PartnerRole.Carrier, EventTypes.CarrierOffloadV1) or (PartnerRole.Provider, EventTypes.ComputeUsageV1);

    public static bool IsValidId(string id)
    {
        if (id.Length is 0 or > EventLimits.MaxIdLength)
        {
            return false;
        }

        for (int i = 0; i < id.Length; i++)
        {
            char c = id[i];
            if (char.IsControl(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format
                    or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator)
            {
                return false;
            }

            if (char.IsHighSurrogate(c) && i + 1 < id.Length && char.IsLowSurrogate(id[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return !string.IsNullOrWhiteSpace(id);
    }

    /// <summary><see cref="IsValidId(string)"/> for valid UTF-8; printable ASCII, the usual case, is checked without a string.</summary>
    public static bool IsValidId(ReadOnlySpan<byte> utf8)
    {
        if (!System.Text.Ascii.IsValid(utf8))
        {
            return IsValidId(Encoding.UTF8.GetString(utf8));
        }

        // ASCII: every control character is below 0x20 or 0x7F, and the only other whitespace is the space.
        return utf8.Length is > 0 and <= EventLimits.MaxIdLength && !utf8.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E) && utf8.ContainsAnyExcept((byte)' ');
    }

    private static UsageFact? ReadCarrier(ref FieldReader r, Header header)
    {
        bool hasSession = r.Utf8(EventField.SessionId, "data.sessionId", required: true, out var sessionId);
        if (hasSession && !IsValidId(sessionId))
        {
            r.Error("data.sessionId", $"must be 1-{EventLimits.MaxIdLength} printable characters");
        }

        string? hotspot = r.String(EventField.HotspotId, "data.hotspotId", required: true);
        if (hotspot is not null && Base58.DecodedLength(hotspot) != 32)
        {
            r.Error("data.hotspotId", "must be a base58-encoded 32-byte public key");
        }

        bool hasSubscriber = r.Utf8(EventField.SubscriberHash, "data.subscriberHash", required: false, out var subscriber);
        if (hasSubscriber && (subscriber.Length != 64 || subscriber.ContainsAnyExcept(HexDigits)))
        {
            r.Error("data.subscriberHash", "must be 64 hex characters");
        }

        string? rat = null;
        if (r.Utf8(EventField.RadioAccessTechnology, "data.radioAccessTechnology", required: true, out var ratText))
        {
            rat = ratText.SequenceEqual("wlan"u8) ? "wlan" : ratText.SequenceEqual("cbrs"u8) ? "cbrs" : ratText.SequenceEqual("nr"u8) ? "nr" : null;
            if (rat is null)
            {
                r.Error("data.radioAccessTechnology", "must be one of wlan, cbrs, nr");
            }
        }

        DateTimeOffset? start = r.Time(EventField.StartTime, "data.startTime");
        DateTimeOffset? end = r.Time(EventField.EndTime, "data.endTime");
        if (start is { } s && end is { } e && s > e)
        {
            r.Error("data.endTime", "must not be before startTime");
        }

        long? up = r.Integer(EventField.UploadBytes, "data.uploadBytes", 0, EventLimits.MaxBytesPerSession, required: true);
        long? down = r.Integer(EventField.DownloadBytes, "data.downloadBytes", 0, EventLimits.MaxBytesPerSession, required: true);
        long? rewardable = r.Integer(EventField.RewardableBytes, "data.rewardableBytes", 0, EventLimits.MaxBytesPerSession, required: false);
        if (rewardable is { } rb && up is { } u && down is { } d && rb > u + d)
        {
            r.Error("data.rewardableBytes", "must not exceed uploadBytes + downloadBytes");
        }

        if (r.HasErrors || !header.IsComplete || !hasSession || hotspot is null || rat is null || start is null || end is null || up is null || down is null)
        {
            return null;
        }

        var hash = new ContentHasher(header, header.Source!);
        hash.Add(sessionId);
        hash.Add(hotspot);
        if (hasSubscriber)
        {
            hash.Add(subscriber);
        }
        else
        {
            hash.Add(-1L);
        }

        hash.Add(rat);
        hash.Add(start.Value.UtcTicks);
        hash.Add(end.Value.UtcTicks);
        hash.Add(up.Value);
        hash.Add(down.Value);
        hash.Add(rewardable ?? -1);
        return new UsageFact
        {
            Source = header.Source!,
            Id = header.Id!,
            Payer = header.Source!,
            Type = EventTypes.CarrierOffloadV1,
            Time = header.Time!.Value.ToUniversalTime(),
            ContentHash = hash.Finish(),
            Hotspot = hotspot,
            Rat = rat,
            Bytes = rewardable ?? (up.Value + down.Value),
        };
    }

    private UsageFact? ReadCompute(ref FieldReader r, Header header)
    {
        string? source = header.Source;
        DateTimeOffset? time = header.Time;
        string? lease = null;
        if (r.Utf8(EventField.LeaseId, "data.leaseId", required: true, out var leaseText))
        {
            lease = Encoding.UTF8.GetString(leaseText);
            if (!IsValidId(leaseText))
            {
                r.Error("data.leaseId", $"must be 1-{EventLimits.MaxIdLength} printable characters");
            }
        }

        string? tenantId = r.String(EventField.TenantId, "data.tenantId", required: true);
        Partner? tenant = null;
        if (tenantId is not null)
        {
            tenant = partners.Find(tenantId);
            if (tenant is not { Role: PartnerRole.Tenant })
            {
                r.Error("data.tenantId", $"'{tenantId}' is not a registered tenant");
                tenant = null;
            }
        }

        string? provider = r.String(EventField.ProviderId, "data.providerId", required: true);
        if (provider is not null && source is not null && provider != source)
        {
            r.Error("data.providerId", "must equal the event source");
        }

        string? gpuModel = r.String(EventField.GpuModel, "data.gpuModel", required: true);
        if (gpuModel is not null && tenant?.PlanId is { } plan && !prices.IsPriced(plan, Meters.ComputeGpuSeconds, gpuModel))
        {
            r.Error("data.gpuModel", $"'{gpuModel}' is not priced in plan '{plan}'");
        }

        long? gpuCount = r.Integer(EventField.GpuCount, "data.gpuCount", 1, EventLimits.MaxGpuCount, required: true);
        DateTimeOffset? start = r.Time(EventField.IntervalStart, "data.intervalStart");
        DateTimeOffset? end = r.Time(EventField.IntervalEnd, "data.intervalEnd");
        long seconds = 0;
        if (start is { } s && end is { } e)
        {
            var interval = e - s;
            if (interval < EventLimits.MinInterval || interval > EventLimits.MaxInterval)
            {
                r.Error("data.intervalEnd", "interval must be between 1 second and 24 hours");
            }
            else if (interval.Ticks % TimeSpan.TicksPerSecond != 0)
            {
                r.Error("data.intervalEnd", "interval must be a whole number of seconds");
            }
            else
            {
                seconds = interval.Ticks / TimeSpan.TicksPerSecond;
            }

            if (time is { } t && t != e)
            {
                r.Error("time", "must equal data.intervalEnd");
            }
        }

        if (r.HasErrors || !header.IsComplete || lease is null || tenantId is null || provider is null || gpuModel is null || gpuCount is null || start is null || end is null)
        {
            return null;
        }

        var hash = new ContentHasher(header, tenantId);
        hash.Add(lease);
        hash.Add(provider);
        hash.Add(gpuModel);
        hash.Add(gpuCount.Value);
        hash.Add(start.Value.UtcTicks);
        hash.Add(end.Value.UtcTicks);
        return new UsageFact
        {
            Source = header.Source!,
            Id = header.Id!,
            Payer = tenantId,
            Type = EventTypes.ComputeUsageV1,
            Time = header.Time!.Value.ToUniversalTime(),
            ContentHash = hash.Finish(),
            GpuModel = gpuModel,
            Lease = lease,
            Provider = provider,
            GpuSeconds = checked(gpuCount.Value * seconds),
        };
    }

    /// <summary>
    /// Canonical content hash: XXH128 over length-prefixed UTF-8 strings and little-endian integers, in a fixed order.
    /// Identical for a redelivered event however its JSON is formatted; different for any change that matters.
    /// Not a cryptographic hash, on purpose: it only tells a redelivery from a conflicting resend of the same
    /// (source, id), where the first version counts either way, so a crafted collision could at most hide a partner's
    /// own conflict from the quarantine, never change what is billed; SHA-256 cost more than the rest of metering.
    /// Written into a pooled buffer: this runs once per metered event.
    /// </summary>
    private struct ContentHasher
    {
        private byte[] buffer;
        private int length;

        public ContentHasher(Header header, string payer)
        {
            buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1024);
            length = 0;
            Add(header.Type);
            Add(header.Source);
            Add(header.Id);
            Add(header.Time!.Value.UtcTicks);
            if (header.HasSubject)
            {
                Add(header.Subject);
            }
            else
            {
                Add(-1L);
            }

            Add(payer);
        }

        /// <summary>A string already in UTF-8: the same bytes <see cref="Add(string?)"/> writes for its text.</summary>
        public void Add(ReadOnlySpan<byte> utf8)
        {
            Ensure(8 + utf8.Length);
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(length), utf8.Length);
            utf8.CopyTo(buffer.AsSpan(length + 8));
            length += 8 + utf8.Length;
        }

        public void Add(string? value)
        {
            if (value is null)
            {
                Add(-1L);
                return;
            }

            Ensure(8 + Encoding.UTF8.GetMaxByteCount(value.Length));
            int written = Encoding.UTF8.GetBytes(value, buffer.AsSpan(length + 8));
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(length), written);
            length += 8 + written;
        }

        public void Add(long value)
        {
            Ensure(8);
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(length), value);
            length += 8;
        }

        public string Finish()
        {
            Span<byte> digest = stackalloc byte[16];
            System.IO.Hashing.XxHash128.Hash(buffer.AsSpan(0, length), digest);
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            buffer = [];
            return Convert.ToHexStringLower(digest);
        }

        private void Ensure(int extra)
        {
            if (length + extra > buffer.Length)
            {
                var larger = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, length + extra));
                buffer.AsSpan(0, length).CopyTo(larger);
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }
        }
    }

    /// <summary>Reads the located fields as typed values, collecting an error per bad field (named by its JSON path).</summary>
    private ref struct FieldReader(ReadOnlySpan<byte> json, FieldSlots slots)
    {
        private readonly ReadOnlySpan<byte> json = json;
        private FieldSlots slots = slots;

        public List<ValidationError>? Errors { get; private set; }

        public readonly bool HasErrors => Errors is { Count: > 0 };

        public void Error(string field, string reason) => (Errors ??= new List<ValidationError>(4)).Add(new(field, reason));

        public readonly JsonTokenType Kind(EventField field) => slots[(int)field].Kind;

        /// <summary>A string field as unescaped, valid UTF-8; false (with an error when due) when absent, null or unreadable.</summary>
        public bool Utf8(EventField field, string name, bool required, out ReadOnlySpan<byte> value)
        {
            value = default;
            var slot = slots[(int)field];
            if (slot.Kind is JsonTokenType.None or JsonTokenType.Null)
            {
                if (required)
                {
                    Error(name, "is required");
                }

                return false;
            }

            if (slot.Kind != JsonTokenType.String)
            {
                Error(name, "must be a string");
                return false;
            }

            value = json.Slice(slot.Start, slot.Length);
            if (slot.Escaped && !TryUnescape(json.Slice(slot.Start - 1, slot.Length + 2), out value) || !System.Text.Unicode.Utf8.IsValid(value))
            {
                // JSON allows "\ud800", and raw bytes may not be UTF-8: neither is text.
                Error(name, "must be valid Unicode text (it contains a lone surrogate)");
                value = default;
                return false;
            }

            return true;
        }

        public string? String(EventField field, string name, bool required) =>
            Utf8(field, name, required, out var value) ? Encoding.UTF8.GetString(value) : null;

        public DateTimeOffset? Time(EventField field, string name)
        {
            if (!Utf8(field, name, required: true, out var text))
            {
                return null;
            }

            if (!Rfc3339.TryParse(text, out var value))
            {
                Error(name, Rfc3339.Explain(text)!);
                return null;
            }

            return value;
        }

        public long? Integer(EventField field, string name, long min, long max, bool required)
        {
            var slot = slots[(int)field];
            if (slot.Kind is JsonTokenType.None or JsonTokenType.Null)
            {
                if (required)
                {
                    Error(name, "is required");
                }

                return null;
            }

            if (slot.Kind != JsonTokenType.Number)
            {
                Error(name, "must be a number");
                return null;
            }

            // As JsonElement.TryGetInt64: the whole token must be an integer that fits (no fraction, no exponent).
            var text = json.Slice(slot.Start, slot.Length);
            if (!System.Buffers.Text.Utf8Parser.TryParse(text, out long n, out int consumed) || consumed != text.Length)
            {
                Error(name, $"must be a whole number between {min} and {max}");
                return null;
            }

            if (n < min || n > max)
            {
                Error(name, $"must be between {min} and {max}");
                return null;
            }

            return n;
        }

        /// <summary>Unescapes a quoted JSON string (rare in practice: partners send plain ids).</summary>
        private static bool TryUnescape(ReadOnlySpan<byte> quoted, out ReadOnlySpan<byte> value)
        {
            var reader = new Utf8JsonReader(quoted);
            reader.Read();
            var buffer = new byte[quoted.Length];
            try
            {
                value = buffer.AsSpan(0, reader.CopyString(buffer));
                return true;
            }
            catch (InvalidOperationException)
            {
                value = default;
                return false;
            }
        }
    }
}
