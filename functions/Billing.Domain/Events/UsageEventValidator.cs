namespace Billing.Domain.Events;

/// <summary>
/// Validates CloudEvents 1.0 usage events against every rule of docs/contract.md §3 and turns valid ones into facts.
/// Pure: the clock and the partner registry come in from outside. Reads the event's UTF-8 text directly: one pass
/// locates the fields (<see cref="EventScanner"/>), then the rules run in a fixed order, so the errors come out in the
/// same order however the JSON is laid out. Only the strings a fact keeps are ever allocated.
/// </summary>
public sealed class UsageEventValidator(IPartnerDirectory partners, IPriceCatalog prices, EventDefinitions? definitions = null)
{
    private readonly EventDefinitions definitions = definitions ?? EventDefinitions.None;

    /// <summary>The price plans events are checked against (the payer's plan prices their dimension values).</summary>
    public IPriceCatalog Prices => prices;

    /// <summary>The declared event types this validator accepts besides the built-in ones.</summary>
    public EventDefinitions Definitions => definitions;

    private static readonly System.Buffers.SearchValues<byte> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF"u8);

    /// <summary>Whether a plan prices either offload meter (static: no allocation a session).</summary>
    private static readonly Func<Pricing.PricePlan, bool> PricesOffload = static p => p.FindMeter(Meters.OffloadBytes) is not null || p.FindMeter(Meters.OffloadSessions) is not null;

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

        string? id = ReadId(ref r, EventField.Id, "id");

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
            // A time outside the window dates nothing below (no fact is made from it anyway): year 9999 is in no billing
            // month, and looking up the payer's plan for it threw, a 500 for the whole request.
            if (t - context.Now > EventLimits.MaxFutureSkew + context.Allowance)
            {
                r.Error("time", $"is more than {EventLimits.MaxFutureSkew.TotalMinutes:0} minutes in the future");
                time = null;
            }
            else if (context.Now - t > EventLimits.MaxAge + context.Allowance)
            {
                r.Error("time", $"is more than {EventLimits.MaxAge.TotalDays:0} days in the past");
                time = null;
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
                    r.UnknownPartner("source", partners, source, "partner");
                }
            }
        }

        string? type = hasType ? EventTypes.Find(typeText) : null;
        EventDefinition? declared = hasType && type is null ? definitions.Find(typeText) : null;
        type ??= declared?.Type;
        if (hasType && type is null)
        {
            r.Error("type", $"unknown event type '{Encoding.UTF8.GetString(typeText)}'");
        }

        if (type is not null && poster is not null && !(declared is null ? MayPost(poster.Role, type) : poster.Role == declared.PostedBy))
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
            return new(id, source, null, r.Errors, r.NamesUnknownPartner, namesUngrantedPayer: r.NamesUngrantedPayer);
        }

        var header = new EventHeader { Id = id, Source = source, Type = type, Time = time, HasSubject = hasSubject, Subject = subject };
        UsageFact? fact = type switch
        {
            EventTypes.CarrierOffloadV1 => ReadCarrier(ref r, header, ClaimsIds(PartnerRole.Carrier), poster),
            EventTypes.ComputeUsageV1 => ReadCompute(ref r, header, context),
            _ when declared is not null => DeclaredEventReader.Read(ref r, header, declared, ClaimsIds(declared.PostedBy), context, poster, partners, prices),
            _ => null,
        };

        return new(id, source, r.HasErrors ? null : fact, r.Errors, r.NamesUnknownPartner, r.HasErrors && fact is { IsCompute: true } or { IsCarrier: true } ? fact : null, r.NamesUngrantedPayer);
    }

    /// <summary>
    /// Whether every fact a partner of <paramref name="postedBy"/> posts claims its (source, id) in storage
    /// (<see cref="UsageFact.ClaimsId"/>): the role may post a type that names its payer in data (providers: compute
    /// usage; a declared type with a payer field). A fact of such a type alone would leave its id free for the role's
    /// other types, paid by the source: the same (source, id) billed to two payers. Carriers in the shipped deployment
    /// post offload only, and claim nothing.
    /// </summary>
    public bool ClaimsIds(PartnerRole postedBy) => postedBy == PartnerRole.Provider || definitions.AnyNamesPayer(postedBy);

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
            if (CloudEventsText.DrawsAsNothing(CharUnicodeInfo.GetUnicodeCategory(id, i)))
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

    /// <summary>A required id field (event id, lease id): its text, kept even when it breaks the printable-characters rule (reported).</summary>
    private static string? ReadId(ref FieldReader r, EventField field, string name)
    {
        if (!r.Utf8(field, name, required: true, out var text))
        {
            return null;
        }

        if (!IsValidId(text))
        {
            r.Error(name, $"must be 1-{EventLimits.MaxIdLength} printable characters");
        }

        return Encoding.UTF8.GetString(text);
    }

    private UsageFact? ReadCarrier(ref FieldReader r, EventHeader header, bool claimsId, Partner? carrier)
    {
        if (carrier is { Role: PartnerRole.Carrier } && header.Time is { } time) // another role is refused posting offload at all
        {
            CheckOffloadPriced(ref r, carrier, BillingPeriod.Containing(time));
        }

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

        if (!header.IsComplete || !hasSession || hotspot is null || rat is null || start is null || end is null || up is null || down is null || start > end)
        {
            return null; // with errors, a fact whose session and window read is still made: EventValidationResult.Refused
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
        return new UsageFact(header, header.Source!, EventTypes.CarrierOffloadV1, hash.Finish())
        {
            ClaimsId = claimsId,
            Hotspot = hotspot,
            Rat = rat,
            Bytes = rewardable ?? (up.Value + down.Value),
            Session = Encoding.UTF8.GetString(sessionId),
            IntervalStart = start.Value.ToUniversalTime(),
            IntervalEnd = end.Value.ToUniversalTime(),
        };
    }

    /// <summary>
    /// The carrier pays for its sessions: a plan of its for the event's month that prices neither offload meter (one of
    /// declared meters, say) would meter them and never invoice them, so they are refused now, as a declared type's are.
    /// </summary>
    private void CheckOffloadPriced(ref FieldReader r, Partner carrier, BillingPeriod month)
    {
        if (!UnpricedUsage.CanBill(carrier, month, EventTypes.CarrierOffloadV1, prices, PricesOffload, own: true, out _, out string? problem))
        {
            r.Error("source", problem);
        }
    }

    private UsageFact? ReadCompute(ref FieldReader r, EventHeader header, ValidationContext context)
    {
        string? source = header.Source;
        DateTimeOffset? time = header.Time;
        string? lease = ReadId(ref r, EventField.LeaseId, "data.leaseId");

        string? tenantId = r.String(EventField.TenantId, "data.tenantId", required: true);
        Partner? tenant = tenantId is null ? null : PayerAnswers.Find(ref r, "data.tenantId", tenantId, PartnerRole.Tenant, source, context, partners);

        string? provider = r.String(EventField.ProviderId, "data.providerId", required: true);
        if (provider is not null && source is not null && provider != source)
        {
            r.Error("data.providerId", "must equal the event source");
        }

        string? gpuModel = r.String(EventField.GpuModel, "data.gpuModel", required: true);
        if (gpuModel is not null && (time is { } at ? tenant?.PlanFor(BillingPeriod.Containing(at)) : tenant?.PlanId) is { } plan && !prices.IsPriced(plan, Meters.ComputeGpuSeconds, gpuModel))
        {
            r.Error("data.gpuModel", $"'{gpuModel}' is not priced in {PayerAnswers.Plan(plan, tenant!.Id, PayerAnswers.IsOwn(context, source, tenant.Id))}");
        }

        long? gpuCount = r.Integer(EventField.GpuCount, "data.gpuCount", 1, EventLimits.MaxGpuCount, required: true);
        DateTimeOffset? start = r.Time(EventField.IntervalStart, "data.intervalStart");
        DateTimeOffset? end = r.Time(EventField.IntervalEnd, "data.intervalEnd");
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

            if (time is { } t && t != e)
            {
                r.Error("time", "must equal data.intervalEnd");
            }
        }

        if (!header.IsComplete || lease is null || tenantId is null || provider is null || gpuModel is null || gpuCount is null || start is null || end is null
            || (r.HasErrors && !(start < end && end - start <= EventLimits.MaxInterval && time == end)))
        {
            return null; // with errors, a fact whose interval reads is still made: EventValidationResult.Refused
        }

        var hash = new ContentHasher(header, tenantId);
        hash.Add(lease);
        hash.Add(provider);
        hash.Add(gpuModel);
        hash.Add(gpuCount.Value);
        hash.Add(start.Value.UtcTicks);
        hash.Add(end.Value.UtcTicks);
        return new UsageFact(header, tenantId, EventTypes.ComputeUsageV1, hash.Finish())
        {
            ClaimsId = true, // providers post compute usage, which names its payer
            GpuModel = gpuModel,
            Lease = lease,
            Provider = provider,
            GpuSeconds = checked(gpuCount.Value * ((end.Value - start.Value).Ticks / TimeSpan.TicksPerSecond)), // whole seconds, checked above
            IntervalStart = start.Value.ToUniversalTime(),
        };
    }
}
