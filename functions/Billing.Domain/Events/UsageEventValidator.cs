using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Billing.Domain.Metering;
using Billing.Domain.Partners;

namespace Billing.Domain.Events;

/// <summary>Where and when an event is validated.</summary>
/// <param name="Now">The reference instant for the time window: arrival time at ingestion, enqueue time at metering
/// (so an event accepted at ingestion is not rejected later just because it waited in the hub).</param>
/// <param name="PostingPartner">The authenticated partner at ingestion; null at metering, where the source must
/// instead be a registered partner allowed to post the type.</param>
public readonly record struct ValidationContext(DateTimeOffset Now, string? PostingPartner);

/// <summary>The outcome for one event: a fact, or every error found (never just the first).</summary>
public sealed class EventValidationResult
{
    internal EventValidationResult(string? id, UsageFact? fact, IReadOnlyList<ValidationError> errors)
    {
        Id = id;
        Fact = fact;
        Errors = errors;
    }

    /// <summary>The event id when it could be read, for error reports.</summary>
    public string? Id { get; }

    public UsageFact? Fact { get; }

    public IReadOnlyList<ValidationError> Errors { get; }

    public bool IsValid => Fact is not null;
}

/// <summary>
/// Validates CloudEvents 1.0 usage events against every rule of CONTRACT §3 and turns valid ones into facts.
/// Pure: the clock and the partner registry come in from outside.
/// </summary>
public sealed class UsageEventValidator(IPartnerDirectory partners, IPriceCatalog prices)
{
    private static readonly string[] Rats = ["wlan", "cbrs", "nr"];
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    public EventValidationResult Validate(JsonElement evt, int rawUtf8Length, ValidationContext context)
    {
        var errors = new List<ValidationError>();
        if (evt.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("$", "an event must be a JSON object"));
            return new(null, null, errors);
        }

        if (rawUtf8Length > EventLimits.MaxEventBytes)
        {
            errors.Add(new("$", $"event is {rawUtf8Length} bytes; the limit is {EventLimits.MaxEventBytes}"));
        }

        var r = new FieldReader(evt, "", errors);
        string? specVersion = r.RequiredString("specversion", "specversion"u8);
        if (specVersion is not null && specVersion != "1.0")
        {
            errors.Add(new("specversion", "must be \"1.0\""));
        }

        string? id = r.RequiredString("id", "id"u8);
        if (id is not null && !IsValidId(id))
        {
            errors.Add(new("id", $"must be 1-{EventLimits.MaxIdLength} printable characters"));
        }

        string? source = r.RequiredString("source", "source"u8);
        string? type = r.RequiredString("type", "type"u8);
        string? subject = r.OptionalString("subject", "subject"u8);
        string? contentType = r.OptionalString("datacontenttype", "datacontenttype"u8);
        if (contentType is not null && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new("datacontenttype", "must be application/json"));
        }

        DateTimeOffset? time = r.RequiredTime("time", "time"u8);
        if (time is { } t)
        {
            if (t - context.Now > EventLimits.MaxFutureSkew)
            {
                errors.Add(new("time", $"is more than {EventLimits.MaxFutureSkew.TotalMinutes:0} minutes in the future"));
            }
            else if (context.Now - t > EventLimits.MaxAge)
            {
                errors.Add(new("time", $"is more than {EventLimits.MaxAge.TotalDays:0} days in the past"));
            }
        }

        Partner? poster = null;
        if (source is not null)
        {
            if (context.PostingPartner is not null && source != context.PostingPartner)
            {
                errors.Add(new("source", $"must be the posting partner's id '{context.PostingPartner}'"));
            }
            else
            {
                poster = partners.Find(source);
                if (poster is null)
                {
                    errors.Add(new("source", $"'{source}' is not a registered partner"));
                }
            }
        }

        if (type is not null && !EventTypes.IsKnown(type))
        {
            errors.Add(new("type", $"unknown event type '{type}'"));
            type = null;
        }

        if (type is not null && poster is not null && !MayPost(poster.Role, type))
        {
            errors.Add(new("type", $"a {poster.Role.ToString().ToLowerInvariant()} partner may not post '{type}'"));
        }

        if (!evt.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("data", data.ValueKind == JsonValueKind.Undefined ? "is required" : "must be an object"));
            return new(id, null, errors);
        }

        var header = new Header(id, source, type, time, subject);
        UsageFact? fact = type switch
        {
            EventTypes.CarrierOffloadV1 => ReadCarrier(new FieldReader(data, "data.", errors), header, errors),
            EventTypes.ComputeUsageV1 => ReadCompute(new FieldReader(data, "data.", errors), header, errors),
            _ => null,
        };

        return new(id, errors.Count == 0 ? fact : null, errors);
    }

    /// <summary>The envelope fields a fact needs; incomplete while any of them failed validation.</summary>
    private readonly record struct Header(string? Id, string? Source, string? Type, DateTimeOffset? Time, string? Subject)
    {
        public bool IsComplete => Id is not null && Source is not null && Type is not null && Time is not null;
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

    private static UsageFact? ReadCarrier(FieldReader r, Header header, List<ValidationError> errors)
    {
        string? sessionId = r.RequiredString("sessionId", "sessionId"u8);
        if (sessionId is not null && !IsValidId(sessionId))
        {
            errors.Add(new("data.sessionId", $"must be 1-{EventLimits.MaxIdLength} printable characters"));
        }

        string? hotspot = r.RequiredString("hotspotId", "hotspotId"u8);
        if (hotspot is not null && Base58.DecodedLength(hotspot) != 32)
        {
            errors.Add(new("data.hotspotId", "must be a base58-encoded 32-byte public key"));
        }

        string? subscriber = r.OptionalString("subscriberHash", "subscriberHash"u8);
        if (subscriber is not null && (subscriber.Length != 64 || subscriber.AsSpan().ContainsAnyExcept(HexDigits)))
        {
            errors.Add(new("data.subscriberHash", "must be 64 hex characters"));
        }

        string? rat = r.RequiredString("radioAccessTechnology", "radioAccessTechnology"u8);
        if (rat is not null && Array.IndexOf(Rats, rat) < 0)
        {
            errors.Add(new("data.radioAccessTechnology", "must be one of wlan, cbrs, nr"));
        }

        DateTimeOffset? start = r.RequiredTime("startTime", "startTime"u8);
        DateTimeOffset? end = r.RequiredTime("endTime", "endTime"u8);
        if (start is { } s && end is { } e && s > e)
        {
            errors.Add(new("data.endTime", "must not be before startTime"));
        }

        long? up = r.RequiredInteger("uploadBytes", "uploadBytes"u8, 0, EventLimits.MaxBytesPerSession);
        long? down = r.RequiredInteger("downloadBytes", "downloadBytes"u8, 0, EventLimits.MaxBytesPerSession);
        long? rewardable = r.OptionalInteger("rewardableBytes", "rewardableBytes"u8, 0, EventLimits.MaxBytesPerSession);
        if (rewardable is { } rb && up is { } u && down is { } d && rb > u + d)
        {
            errors.Add(new("data.rewardableBytes", "must not exceed uploadBytes + downloadBytes"));
        }

        if (errors.Count > 0 || !header.IsComplete || sessionId is null || hotspot is null || rat is null || start is null || end is null || up is null || down is null)
        {
            return null;
        }

        var hash = new ContentHasher(header, header.Source!);
        hash.Add(sessionId);
        hash.Add(hotspot);
        hash.Add(subscriber);
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

    private UsageFact? ReadCompute(FieldReader r, Header header, List<ValidationError> errors)
    {
        string? source = header.Source;
        DateTimeOffset? time = header.Time;
        string? lease = r.RequiredString("leaseId", "leaseId"u8);
        if (lease is not null && !IsValidId(lease))
        {
            errors.Add(new("data.leaseId", $"must be 1-{EventLimits.MaxIdLength} printable characters"));
        }

        string? tenantId = r.RequiredString("tenantId", "tenantId"u8);
        Partner? tenant = null;
        if (tenantId is not null)
        {
            tenant = partners.Find(tenantId);
            if (tenant is not { Role: PartnerRole.Tenant })
            {
                errors.Add(new("data.tenantId", $"'{tenantId}' is not a registered tenant"));
                tenant = null;
            }
        }

        string? provider = r.RequiredString("providerId", "providerId"u8);
        if (provider is not null && source is not null && provider != source)
        {
            errors.Add(new("data.providerId", "must equal the event source"));
        }

        string? gpuModel = r.RequiredString("gpuModel", "gpuModel"u8);
        if (gpuModel is not null && tenant?.PlanId is { } plan && !prices.IsPriced(plan, Meters.ComputeGpuSeconds, gpuModel))
        {
            errors.Add(new("data.gpuModel", $"'{gpuModel}' is not priced in plan '{plan}'"));
        }

        long? gpuCount = r.RequiredInteger("gpuCount", "gpuCount"u8, 1, EventLimits.MaxGpuCount);
        DateTimeOffset? start = r.RequiredTime("intervalStart", "intervalStart"u8);
        DateTimeOffset? end = r.RequiredTime("intervalEnd", "intervalEnd"u8);
        long seconds = 0;
        if (start is { } s && end is { } e)
        {
            var interval = e - s;
            if (interval < EventLimits.MinInterval || interval > EventLimits.MaxInterval)
            {
                errors.Add(new("data.intervalEnd", "interval must be between 1 second and 24 hours"));
            }
            else if (interval.Ticks % TimeSpan.TicksPerSecond != 0)
            {
                errors.Add(new("data.intervalEnd", "interval must be a whole number of seconds"));
            }
            else
            {
                seconds = interval.Ticks / TimeSpan.TicksPerSecond;
            }

            if (time is { } t && t != e)
            {
                errors.Add(new("time", "must equal data.intervalEnd"));
            }
        }

        if (errors.Count > 0 || !header.IsComplete || lease is null || tenantId is null || provider is null || gpuModel is null || gpuCount is null || start is null || end is null)
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
    /// Canonical content hash: SHA-256 over length-prefixed UTF-8 strings and little-endian integers, in a fixed order.
    /// Identical for a redelivered event however its JSON is formatted; different for any change that matters.
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
            Add(header.Subject);
            Add(payer);
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
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(buffer.AsSpan(0, length), digest);
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

    /// <summary>Reads typed fields of one JSON object, collecting an error per bad field.</summary>
    private readonly struct FieldReader(JsonElement obj, string prefix, List<ValidationError> errors)
    {
        public string? RequiredString(string name, ReadOnlySpan<byte> utf8Name) => ReadString(name, utf8Name, required: true);

        public string? OptionalString(string name, ReadOnlySpan<byte> utf8Name) => ReadString(name, utf8Name, required: false);

        public DateTimeOffset? RequiredTime(string name, ReadOnlySpan<byte> utf8Name)
        {
            string? text = ReadString(name, utf8Name, required: true);
            if (text is null)
            {
                return null;
            }

            if (!Rfc3339.TryParse(text, out var value))
            {
                errors.Add(new(prefix + name, "must be an RFC 3339 date-time with an offset, e.g. 2026-10-20T10:15:00Z"));
                return null;
            }

            return value;
        }

        public long? RequiredInteger(string name, ReadOnlySpan<byte> utf8Name, long min, long max) => ReadInteger(name, utf8Name, min, max, required: true);

        public long? OptionalInteger(string name, ReadOnlySpan<byte> utf8Name, long min, long max) => ReadInteger(name, utf8Name, min, max, required: false);

        private string? ReadString(string name, ReadOnlySpan<byte> utf8Name, bool required)
        {
            if (!obj.TryGetProperty(utf8Name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    errors.Add(new(prefix + name, "is required"));
                }

                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                errors.Add(new(prefix + name, "must be a string"));
                return null;
            }

            if (!JsonText.TryGetString(value, out string? text))
            {
                errors.Add(new(prefix + name, "must be valid Unicode text (it contains a lone surrogate)"));
                return null;
            }

            return text;
        }

        private long? ReadInteger(string name, ReadOnlySpan<byte> utf8Name, long min, long max, bool required)
        {
            if (!obj.TryGetProperty(utf8Name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    errors.Add(new(prefix + name, "is required"));
                }

                return null;
            }

            if (value.ValueKind != JsonValueKind.Number)
            {
                errors.Add(new(prefix + name, "must be a number"));
                return null;
            }

            if (!value.TryGetInt64(out long n))
            {
                errors.Add(new(prefix + name, $"must be a whole number between {min} and {max}"));
                return null;
            }

            if (n < min || n > max)
            {
                errors.Add(new(prefix + name, $"must be between {min} and {max}"));
                return null;
            }

            return n;
        }
    }
}
