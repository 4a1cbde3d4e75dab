using static Billing.Domain.Tests.Events.TestEvents;

namespace Billing.Domain.Tests.Events;

public class UsageEventValidatorTests
{
    [Fact]
    public void Validate_ContractCarrierSample_YieldsFactWithRewardableBytes()
    {
        var result = Validate(Carrier());

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var fact = result.Fact!;
        Assert.Equal("carrier-tmo", fact.Payer);
        Assert.Equal(6_600_000, fact.Bytes);
        Assert.Equal(6_600_000, fact.Quantity(Meters.OffloadBytes));
        Assert.Equal(1, fact.Quantity(Meters.OffloadSessions));
        Assert.Null(fact.Quantity(Meters.ComputeGpuSeconds));
        Assert.Equal("wlan", fact.Dimension(Meters.Rat));
        Assert.Matches("^[0-9a-f]{32}$", fact.ContentHash); // XXH128, hex
    }

    [Fact]
    public void Validate_CarrierWithoutRewardableBytes_DefaultsToUploadPlusDownload()
    {
        var evt = Carrier();
        evt["data"]!.AsObject().Remove("rewardableBytes");

        Assert.Equal(6_600_000, Validate(evt).Fact!.Bytes);
    }

    [Fact]
    public void Validate_ContractComputeSample_YieldsGpuSecondsForTenant()
    {
        var result = Validate(Compute());

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal("tenant-lab", result.Fact!.Payer);
        Assert.Equal(8 * 3600, result.Fact.GpuSeconds);
        Assert.Equal("H100", result.Fact.Dimension(Meters.GpuModel));
        Assert.Equal("lease-77", result.Fact.Dimension(Meters.Lease));
        Assert.Equal("provider-nodeops", result.Fact.Dimension(Meters.Provider));
    }

    public static TheoryData<string, string, string> CarrierRules() => new()
    {
        // mutation (JSON path = value, or "-path" to remove), expected field, expected reason fragment
        { "specversion=\"0.3\"", "specversion", "1.0" },
        { "specversion=1.0", "specversion", "must be a string" },
        { "-specversion", "specversion", "required" },
        { "-id", "id", "required" },
        { "id=", "id", "printable" },
        { "id=" + new string('x', 129), "id", "1-128" },
        { "id=bad\u0001id", "id", "printable" },
        { "-source", "source", "required" },
        { "source=carrier-other", "source", "posting partner" },
        { "type=depin.unknown.v1", "type", "unknown event type" },
        { "-type", "type", "required" },
        { "time=2026-10-20 10:15:00", "time", "RFC 3339" },
        { "time=2026-10-20T10:15:00", "time", "RFC 3339" },
        { "time=2026-10-20T12:05:01Z", "time", "future" },
        { "time=2026-09-15T11:59:59Z", "time", "35 days" },
        { "datacontenttype=text/plain", "datacontenttype", "application/json" },
        { "-data", "data", "required" },
        { "-data.sessionId", "data.sessionId", "required" },
        { "-data.hotspotId", "data.hotspotId", "required" },
        { "data.hotspotId=not-base58-0OIl", "data.hotspotId", "32-byte" },
        { "data.hotspotId=3yZe7d", "data.hotspotId", "32-byte" },
        { "data.subscriberHash=abc", "data.subscriberHash", "64 hex" },
        { "data.radioAccessTechnology=lte", "data.radioAccessTechnology", "wlan, cbrs, nr" },
        { "data.startTime=2026-10-20T10:20:00Z", "data.endTime", "before startTime" },
        { "data.uploadBytes=-1", "data.uploadBytes", "between 0 and" },
        { "data.downloadBytes=10000000000001", "data.downloadBytes", "between 0 and" },
        { "data.uploadBytes=1.5", "data.uploadBytes", "whole number" },
        { "data.uploadBytes=\"12\"", "data.uploadBytes", "must be a number" },
        { "data.rewardableBytes=6600001", "data.rewardableBytes", "must not exceed" },
    };

    [Theory]
    [MemberData(nameof(CarrierRules))]
    public void Validate_CarrierRuleBroken_RejectsNamingTheField(string mutation, string field, string reason) =>
        AssertRejected(Validate(Mutate(Carrier(), mutation), poster: "carrier-tmo"), field, reason);

    public static TheoryData<string, string, string> ComputeRules() => new()
    {
        // The provider is not told which ids are tenants, nor the tenant's plan (PayerAnswersTests).
        { "data.tenantId=tenant-nobody", "data.tenantId", "'tenant-nobody' is not an active registered tenant" },
        { "data.tenantId=carrier-tmo", "data.tenantId", "'carrier-tmo' is not an active registered tenant" },
        { "data.tenantId=tenant-unreadable", "data.tenantId", "'tenant-unreadable' is not an active registered tenant" },
        { "data.gpuModel=TPUv5", "data.gpuModel", "'TPUv5' is not priced in the plan of 'tenant-lab'" },
        { "data.gpuCount=0", "data.gpuCount", "between 1 and 1024" },
        { "data.gpuCount=1025", "data.gpuCount", "between 1 and 1024" },
        { "data.intervalStart=2026-10-20T11:00:00Z", "data.intervalEnd", "between 1 second and 24 hours" },
        { "data.intervalStart=2026-10-19T10:59:59Z", "data.intervalEnd", "between 1 second and 24 hours" },
        { "data.intervalStart=2026-10-20T10:00:00.5Z", "data.intervalEnd", "whole number of seconds" },
        { "time=2026-10-20T11:00:01Z", "time", "intervalEnd" },
        { "time=9999-12-31T23:59:59Z", "time", "future" }, // no billing month holds it: was an exception (500) looking up the tenant's plan
        { "data.providerId=provider-else", "data.providerId", "event source" },
        { "-data.leaseId", "data.leaseId", "required" },
    };

    [Theory]
    [MemberData(nameof(ComputeRules))]
    public void Validate_ComputeRuleBroken_RejectsNamingTheField(string mutation, string field, string reason) =>
        AssertRejected(Validate(Mutate(Compute(), mutation), poster: "provider-nodeops"), field, reason);

    [Fact]
    public void Validate_ComputeIntervalOfExactly24Hours_IsAccepted()
    {
        var evt = Mutate(Mutate(Compute(), "data.intervalStart=2026-10-19T11:00:00Z"), "data.gpuCount=1");

        Assert.Equal(86_400, Validate(evt).Fact!.GpuSeconds);
    }

    [Fact]
    public void Validate_CarrierPostingComputeType_IsRejectedByRole()
    {
        var evt = Compute();
        evt["source"] = "carrier-tmo";

        var result = Validate(evt, poster: "carrier-tmo");

        Assert.Contains(result.Errors, e => e.Field == "type" && e.Reason.Contains("may not post"));
    }

    [Theory]
    [InlineData("carrier-ghost", "'carrier-ghost' is not a registered partner")]
    [InlineData("carrier-unreadable", "'carrier-unreadable' cannot be used: its partner record cannot be read")]
    public void Validate_AtMeteringWithUnregisteredSource_IsRejectedSayingWhy(string source, string reason)
    {
        var evt = Carrier();
        evt["source"] = source;
        var result = Validator().Validate(System.Text.Encoding.UTF8.GetBytes(evt.ToJsonString()), new ValidationContext(Now, null));

        Assert.Contains(result.Errors, e => e.Field == "source" && e.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("carrier", "source=carrier-ghost", true)]
    [InlineData("compute", "data.tenantId=tenant-nobody", true)]
    [InlineData("compute", "data.tenantId=tenant-unreadable", true)] // a read after the row is mended may know it
    [InlineData("compute", "data.tenantId=carrier-tmo", false)] // known, in another role: reading the registry again changes nothing
    [InlineData("carrier", "data.uploadBytes=-1", false)]
    public void Validate_AtMetering_NamesUnknownPartnerOnlyForAPartnerTheRegistryDoesNotKnow(string kind, string mutation, bool unknown)
    {
        var evt = Mutate(kind == "carrier" ? Carrier() : Compute(), mutation);

        var result = Validator().Validate(System.Text.Encoding.UTF8.GetBytes(evt.ToJsonString()), new ValidationContext(Now, null));

        Assert.Equal((false, unknown), (result.IsValid, result.NamesUnknownPartner));
    }

    [Fact]
    public void Validate_OversizedEvent_IsRejected()
    {
        var evt = Carrier();
        evt["padding"] = new string('x', EventLimits.MaxEventBytes);

        Assert.Contains(Validate(evt).Errors, e => e.Field == "$" && e.Reason.Contains("limit"));
    }

    [Fact]
    public void Validate_ManyProblems_ReportsEveryOne()
    {
        var evt = Mutate(Mutate(Mutate(Carrier(), "data.radioAccessTechnology=lte"), "data.uploadBytes=-5"), "specversion=2");

        var fields = Validate(evt).Errors.Select(e => e.Field).ToHashSet();

        Assert.Superset(new HashSet<string> { "specversion", "data.radioAccessTechnology", "data.uploadBytes" }, fields);
    }

    [Fact]
    public void Validate_NotAnObject_IsRejected()
    {
        Assert.Contains(Validate(JsonValue.Create(5)!).Errors, e => e.Field == "$");
    }

    [Fact]
    public void Validate_TimeWithOffset_IsNormalisedToUtc()
    {
        var evt = Carrier();
        evt["time"] = "2026-10-20T12:15:00+02:00";

        Assert.Equal(new DateTimeOffset(2026, 10, 20, 10, 15, 0, TimeSpan.Zero), Validate(evt).Fact!.Time);
        Assert.Equal(TimeSpan.Zero, Validate(evt).Fact!.Time.Offset);
    }

    [Fact]
    public void Validate_EnqueueTimeWithTheMeteringAllowance_AcceptsMinutesPastTheAgeLimitAndNoMore()
    {
        var time = new DateTimeOffset(2026, 10, 20, 10, 15, 0, TimeSpan.Zero); // Carrier()'s time
        byte[] json = System.Text.Encoding.UTF8.GetBytes(Carrier().ToJsonString());
        EventValidationResult AtMetering(DateTimeOffset enqueuedAt) =>
            Validator().Validate(json, new ValidationContext(enqueuedAt, null, EventLimits.MaxEnqueueDelay));

        var published = AtMetering(time + EventLimits.MaxAge + TimeSpan.FromMinutes(3));
        var tooOld = AtMetering(time + EventLimits.MaxAge + EventLimits.MaxEnqueueDelay + TimeSpan.FromSeconds(1));

        Assert.True(published.IsValid, string.Join("; ", published.Errors));
        Assert.Contains(tooOld.Errors, e => e.Field == "time" && e.Reason.Contains("35 days", StringComparison.Ordinal));
        Assert.Contains(Validate(Carrier(), now: time + EventLimits.MaxAge + TimeSpan.FromMinutes(3)).Errors, e => e.Field == "time"); // ingestion: no allowance
    }

    [Fact]
    public void Validate_AtMeteringWithTheHubsClockBehindTheApps_AcceptsAFutureTimeIngestionAccepted()
    {
        // Ingestion checks 'time' against the app's clock, metering against the hub's enqueue time: with the hub's clock
        // 2 s behind, an event accepted 5 minutes ahead was quarantined as 'in the future' behind its 202.
        var time = new DateTimeOffset(2026, 10, 20, 10, 15, 0, TimeSpan.Zero); // Carrier()'s time
        var arrived = time - EventLimits.MaxFutureSkew; // at the app: exactly at the bound, accepted
        byte[] json = System.Text.Encoding.UTF8.GetBytes(Carrier().ToJsonString());
        EventValidationResult AtMetering(DateTimeOffset enqueuedAt) =>
            Validator().Validate(json, new ValidationContext(enqueuedAt, null, EventLimits.MaxEnqueueDelay));

        var skewed = AtMetering(arrived - TimeSpan.FromSeconds(2));
        var beyond = AtMetering(arrived - EventLimits.MaxEnqueueDelay - TimeSpan.FromSeconds(1));

        Assert.True(Validate(Carrier(), now: arrived).IsValid);
        Assert.True(skewed.IsValid, string.Join("; ", skewed.Errors));
        Assert.Contains(beyond.Errors, e => e.Field == "time" && e.Reason.Contains("future", StringComparison.Ordinal));
    }

    [Fact]
    public void ContentHash_SameEventReformatted_IsEqual_ChangedPayload_Differs()
    {
        var a = Validate(Carrier()).Fact!;
        var reordered = new JsonObject { ["data"] = Carrier()["data"]!.DeepClone() };
        foreach (var (k, v) in Carrier().Where(p => p.Key != "data").Reverse())
        {
            reordered[k] = v!.DeepClone();
        }

        var b = Validate(reordered).Fact!;
        var changed = Validate(Mutate(Carrier(), "data.uploadBytes=1200001")).Fact!;
        var moved = Validate(Mutate(Carrier(), "time=2026-10-20T10:16:00Z")).Fact!;

        Assert.Equal(a.ContentHash, b.ContentHash);
        Assert.NotEqual(a.ContentHash, changed.ContentHash);
        Assert.NotEqual(a.ContentHash, moved.ContentHash);
    }

    [Theory]
    [InlineData("a/b\\c#d?e", true)]
    [InlineData("tab\there", false)]
    [InlineData("   ", false)]
    [InlineData("emoji-\U0001F600", true)]
    [InlineData("id-\u200B", false)] // zero-width: draws as nothing
    [InlineData("id-\U000E0041", false)] // a tag character: Format as one code point, two surrogates as UTF-16 units
    public void IsValidId_HostileCharacters_ControlsRejectedOthersAllowed(string id, bool valid)
    {
        Assert.Equal(valid, UsageEventValidator.IsValidId(id));
    }

    [Fact]
    public void IsValidId_LoneSurrogate_IsRejected()
    {
        Assert.False(UsageEventValidator.IsValidId("lone-" + (char)0xD800));
        Assert.False(UsageEventValidator.IsValidId((char)0xDC00 + "x"));
    }

    /// <summary>Applies "path=value" (value parsed as JSON when it can be, else a string) or "-path" (remove).</summary>
    internal static JsonObject Mutate(JsonObject evt, string mutation)
    {
        bool remove = mutation.StartsWith('-');
        string path = remove ? mutation[1..] : mutation[..mutation.IndexOf('=')];
        var parts = path.Split('.');
        JsonObject target = evt;
        foreach (var part in parts[..^1])
        {
            target = target[part]!.AsObject();
        }

        if (remove)
        {
            target.Remove(parts[^1]);
            return evt;
        }

        string raw = mutation[(mutation.IndexOf('=') + 1)..];
        JsonNode? value;
        try
        {
            value = raw.Length > 0 && (char.IsAsciiDigit(raw[0]) && !raw.Contains('-') && !raw.Contains(':') || raw[0] is '-' or '"') ? JsonNode.Parse(raw) : JsonValue.Create(raw);
        }
        catch (System.Text.Json.JsonException)
        {
            value = JsonValue.Create(raw);
        }

        target[parts[^1]] = value;
        return evt;
    }

    /// <summary>Invalid, with an error on <paramref name="field"/> whose reason mentions <paramref name="reason"/>.</summary>
    private static void AssertRejected(EventValidationResult result, string field, string reason)
    {
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Field == field && e.Reason.Contains(reason, StringComparison.OrdinalIgnoreCase));
    }
}

public class UsageEventValidatorUnicodeTests
{
    [Fact]
    public void Validate_LoneSurrogateEscapeInAField_IsAFieldErrorNotAnException()
    {
        string json = Billing.Domain.Tests.Events.TestEvents.Carrier().ToJsonString().Replace("\"sess-000123\"", "\"\\ud800\"", StringComparison.Ordinal);
        var result = Billing.Domain.Tests.Events.TestEvents.Validator().Validate(System.Text.Encoding.UTF8.GetBytes(json), new ValidationContext(Billing.Domain.Tests.Events.TestEvents.Now, "carrier-tmo"));

        Assert.Contains(result.Errors, e => e.Field == "id" && e.Reason.Contains("Unicode", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Field == "data.sessionId");
    }
}
