using Billing.Domain.Tests.Definitions;

namespace Billing.Domain.Tests.Events;

public sealed class DeclaredEventReaderTests
{
    [Fact]
    public void Validate_RenderJob_ReadsEveryMeterWithDimensions()
    {
        var result = ShippedDefinitions.Validate(ShippedDefinitions.Render(frames: 240, octaneBench: 300, minutes: 90));

        Assert.Empty(result.Errors);
        var fact = result.Fact!;
        Assert.Equal(("tenant-studio", "depin.render.job.v1"), (fact.Payer, fact.Type));
        Assert.Equal(240, fact.Quantity("render.frames"));
        Assert.Equal(90 * 60 * 300, fact.Quantity("render.ob_seconds"));
        Assert.Equal("tier2", fact.Dimension("render.ob_seconds", "tier"));
        Assert.Equal("job-1", fact.Dimension("render.frames", "job"));
    }

    [Fact]
    public void Validate_MappingCell_KeepsTheDistinctValue()
    {
        var fact = ShippedDefinitions.Validate(ShippedDefinitions.Mapping()).Fact!;

        Assert.Equal(ShippedDefinitions.Cell, fact.Reading("mapping.unique_cells")!.Distinct);
        Assert.Equal(1500, fact.Quantity("mapping.distance"));
    }

    [Fact]
    public void Validate_BandwidthWithoutRequests_UsesTheDefault()
    {
        var evt = ShippedDefinitions.Bandwidth();
        evt["data"]!.AsObject().Remove("requests");

        var fact = ShippedDefinitions.Validate(evt).Fact!;

        Assert.Equal(0, fact.Quantity("bandwidth.requests"));
        Assert.Equal(5_000_000_000, fact.Quantity("bandwidth.bytes"));
    }

    [Theory]
    [InlineData("tenant-nobody", true)]
    [InlineData("provider-grass", false)] // known, in another role: reading the registry again changes nothing
    public void Validate_PayerNotARegisteredTenant_NamesUnknownPartnerOnlyWhenTheRegistryDoesNotKnowIt(string payer, bool unknown)
    {
        var evt = ShippedDefinitions.Render();
        evt["data"]!["customerId"] = payer;

        var result = ShippedDefinitions.Validate(evt);

        Assert.Equal("data.customerId", Assert.Single(result.Errors).Field);
        Assert.Equal(unknown, result.NamesUnknownPartner);
    }

    [Theory]
    [InlineData("^(a+)+$")] // backtracks exponentially on a value that almost matches
    [InlineData("^(?=a)(a+)+$")] // the same behind a lookahead, which only the backtracking engine runs
    public void Validate_PatternThatBacktracksOnTheValue_IsAFieldErrorNotAnException(string pattern)
    {
        var root = JsonNode.Parse(ShippedDefinitions.Text("depin.render.job.v1"))!;
        root["fields"]!["jobId"]!["pattern"] = pattern;
        var definitions = EventDefinitions.Load([KeyValuePair.Create("depin.render.job.v1.json", root.ToJsonString())]);
        var validator = new UsageEventValidator(new ShippedDefinitions.Partners(), Pricing.TestPlans.Catalog, definitions);
        var evt = ShippedDefinitions.Render();
        evt["data"]!["jobId"] = new string('a', 40) + "!";

        // Before: RegexMatchTimeoutException, a 500 at ingestion and a failed metering batch (every event of it redelivered).
        var result = validator.Validate(Encoding.UTF8.GetBytes(evt.ToJsonString()), new ValidationContext(ShippedDefinitions.Now, "provider-render"));

        Assert.Null(result.Fact);
        Assert.Equal("data.jobId", Assert.Single(result.Errors).Field);
    }

    [Theory]
    [InlineData("^[a-z0-9-]{1,64}$", false)] // linear without backtracking: no time limit, so a busy host never refuses a value
    [InlineData("^(?=a)[a-z]+$", true)] // a lookahead needs the backtracking engine, which keeps its limit
    public void Load_Pattern_TimeLimitedOnlyWhenItNeedsBacktracking(string pattern, bool limited)
    {
        var root = JsonNode.Parse(ShippedDefinitions.Text("depin.render.job.v1"))!;
        root["fields"]!["jobId"]!["pattern"] = pattern;

        var definitions = EventDefinitions.Load([KeyValuePair.Create("depin.render.job.v1.json", root.ToJsonString())]);

        Assert.True(definitions.TryGet("depin.render.job.v1", out var definition));
        var regex = definition.Fields.Single(f => f.Name == "jobId").Pattern!;
        Assert.Equal(limited, regex.MatchTimeout != System.Text.RegularExpressions.Regex.InfiniteMatchTimeout);
    }

    public static TheoryData<string, string, string> BadEvents() => new()
    {
        { "render", "data.tier", """{"tier":"tier9"}""" },
        { "render", "data.frames", """{"frames":0}""" },
        { "render", "data.frames", """{"frames":1.5}""" },
        { "render", "data.frames", """{"frames":"240"}""" },
        { "render", "data.nodeId", """{"nodeId":"abc"}""" },
        { "render", "data.jobId", """{"jobId":null}""" },
        { "render", "data.jobId", """{"jobId":"job-\u200B7"}""" }, // zero-width: prints like job-7 (meters/README: printable only)
        { "render", "data.jobId", """{"jobId":"job-\u202E7"}""" }, // bidi override
        { "render", "data.jobId", """{"jobId":"job\u20287"}""" }, // line separator
        { "render", "data.jobId", """{"jobId":"job-7\uDB40\uDC41"}""" }, // a tag character, beyond U+FFFF
        { "render", "data.startTime", """{"startTime":"2026-10-20 10:00"}""" },
        { "render", "data.startTime", """{"endTime":"2026-10-20T09:00:00Z"}""" },
        { "render", "data.customerId", """{"customerId":"tenant-nobody"}""" },
        { "render", "data.customerId", """{"customerId":"carrier-tmo"}""" },
        { "render", "data.customerId", """{"customerId":"tenant-fleet"}""" }, // a tenant whose plan prices no render meter
        { "bandwidth", "data.customerId", """{"customerId":"tenant-ai"}""" },
        { "mapping", "data.h3Cell", """{"h3Cell":"8828308281fffff"}""" },
        { "mapping", "data.capturedAt", """{"capturedAt":"2026-10-20T12:30:00Z"}""" },
        { "bandwidth", "data.country", """{"country":"de"}""" },
        { "bandwidth", "data.endTime", """{"endTime":"2026-10-22T10:00:00Z"}""" },
        { "inference", "data.model", """{"model":"gpt-9"}""" },
        { "inference", "data.inputTokens", """{"inputTokens":0,"outputTokens":0}""" },
    };

    [Theory]
    [MemberData(nameof(BadEvents))]
    public void Validate_BadData_RejectedWithFieldPath(string kind, string field, string patch)
    {
        var evt = Sample(kind);
        foreach (var (name, value) in JsonNode.Parse(patch)!.AsObject())
        {
            evt["data"]![name] = value?.DeepClone();
        }

        var result = ShippedDefinitions.Validate(evt);

        Assert.Null(result.Fact);
        Assert.Contains(result.Errors, e => e.Field == field);
    }

    [Fact]
    public void Validate_CarrierPostsProviderType_TypeRefused()
    {
        var evt = ShippedDefinitions.Render();
        evt["source"] = "carrier-tmo";

        var result = ShippedDefinitions.Validate(evt);

        Assert.Contains(result.Errors, e => e.Field == "type" && e.Reason.Contains("carrier partner may not post", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnknownEnvelopeRules_StayTheSame()
    {
        var evt = ShippedDefinitions.Render();
        evt["specversion"] = "0.3";
        evt["time"] = "2026-12-01T00:00:00Z";

        var result = ShippedDefinitions.Validate(evt);

        Assert.Equal(["specversion", "time"], result.Errors.Select(e => e.Field).Distinct());
    }

    [Fact]
    public void Validate_SameEventReformatted_SameHash_ChangedUndeclaredField_OtherHash()
    {
        var evt = ShippedDefinitions.Render();
        string first = ShippedDefinitions.Validate(evt).Fact!.ContentHash;
        var spaced = JsonNode.Parse(evt.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }))!.AsObject();
        evt["data"]!["note"] = "x";

        Assert.Equal(first, ShippedDefinitions.Validate(spaced).Fact!.ContentHash);
        Assert.NotEqual(first, ShippedDefinitions.Validate(evt).Fact!.ContentHash);
    }

    private static JsonObject Sample(string kind) => kind switch
    {
        "render" => ShippedDefinitions.Render(),
        "mapping" => ShippedDefinitions.Mapping(),
        "bandwidth" => ShippedDefinitions.Bandwidth(),
        _ => ShippedDefinitions.Inference(),
    };
}
