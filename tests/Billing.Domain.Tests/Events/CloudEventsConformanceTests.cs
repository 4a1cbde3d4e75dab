namespace Billing.Domain.Tests.Events;

/// <summary>
/// CloudEvents 1.0.2 core (§3 context attributes, type system) and JSON event format (§2.2 type mapping, §3.1 data)
/// rules, table-driven from the specification text. A mutation is <c>name=raw JSON</c> (set a member; <c>data.x</c>
/// reaches into data) or <c>-name</c> (remove it), applied to the contract's carrier sample.
/// </summary>
public class CloudEventsConformanceTests
{
    /// <summary>The fact of the sample carrier event sent with <c>time</c> spelled <paramref name="time"/>.</summary>
    private static UsageFact FactAt(string time) => TestEvents.Validate(Mutate($"time=\"{time}\"")).Fact!;

    private static JsonObject Mutate(params string[] mutations)
    {
        var evt = TestEvents.Carrier();
        foreach (string m in mutations)
        {
            JsonObject target = evt;
            string spec = m.StartsWith('-') ? m[1..] : m[..m.IndexOf('=')];
            if (spec.StartsWith("data.", StringComparison.Ordinal))
            {
                target = evt["data"]!.AsObject();
                spec = spec[5..];
            }

            if (m.StartsWith('-'))
            {
                target.Remove(spec);
            }
            else
            {
                target[spec] = JsonNode.Parse(m[(m.IndexOf('=') + 1)..]);
            }
        }

        return evt;
    }

    public static TheoryData<string> ValidEnvelopes =>
    [
        "ext=\"text\"", "flag=true", "flag=false", "count=2147483647", "count=-2147483648", "count=0", "unset=null", "Unset_Bad=null",
        "averyveryverylongextensionattributename=\"x\"", // the 20-character limit is a SHOULD
        "x9=\"9\"", "123=1",
        "datacontenttype=\"application/json\"", "datacontenttype=\"text/json\"", "datacontenttype=\"application/vnd.example.usage+json\"",
        "datacontenttype=\"Application/JSON; charset=utf-8\"", "datacontenttype=\"application/json;charset=\\\"UTF-8\\\"\"",
        "-datacontenttype", // JSON format §3.1.1: absent means application/json
        "datacontenttype=null",
        "dataschema=\"https://example.com/schemas/offload-v1.json\"", "dataschema=\"urn:example:usage:v1\"", "dataschema=null",
        "subject=null", "-subject", "subject=\"hotspot/ü\"",
        "data_base64=null", // null is unset (JSON format §2.2)
        "time=\"2026-10-20T10:15:00.123456789Z\"", "time=\"2026-10-20t10:15:00z\"", "time=\"2026-10-21T10:14:00+23:59\"",
        "time=\"2026-10-19T10:16:00-23:59\"", "time=\"2026-10-20T10:15:00-00:00\"", "time=\"2026-09-30T23:59:60Z\"",
        "data.startTime=\"2026-10-20T10:00:00.000000000001Z\"", "data.endTime=\"2026-10-20t10:15:00.5z\"",
        "data.vendor={\"any\":[1,2.5,{\"shape\":null}]}", // data's members are the data schema's business, not the envelope's
    ];

    [Theory]
    [MemberData(nameof(ValidEnvelopes))]
    public void Validate_ValidEnvelope_IsAccepted(string mutation)
    {
        var result = TestEvents.Validate(Mutate(mutation));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    public static TheoryData<string, string> InvalidEnvelopes => new()
    {
        // §3.1.1 attribute naming: a-z and 0-9 only (a MUST)
        { "Ext=\"x\"", "Ext" },
        { "ext_1=\"x\"", "ext_1" },
        { "ext-1=\"x\"", "ext-1" },
        { "\u00e9t\u00e9=\"x\"", "\u00e9t\u00e9" },
        { "=\"x\"", "" },
        // JSON format §2.2: extension values are CloudEvents types
        { "ext={}", "ext" },
        { "ext={\"a\":1}", "ext" },
        { "ext=[]", "ext" },
        { "ext=1.5", "ext" },
        { "ext=1.0", "ext" },
        { "ext=1e3", "ext" },
        { "ext=2147483648", "ext" },
        { "ext=-2147483649", "ext" },
        { "ext=\"a\\u0001b\"", "ext" },
        { "ext=\"a\\u007fb\"", "ext" },
        // dataschema: a non-empty absolute URI
        { "dataschema=\"\"", "dataschema" },
        { "dataschema=\"schemas/offload.json\"", "dataschema" },
        { "dataschema=\"https://exa mple.com/\"", "dataschema" },
        { "dataschema=\"1http://x\"", "dataschema" },
        { "dataschema=\"https://example.com/%zz\"", "dataschema" },
        { "dataschema=5", "dataschema" },
        // subject: non-empty when present
        { "subject=\"\"", "subject" },
        { "subject=5", "subject" },
        { "subject=\"a\\u0000b\"", "subject" },
        // data and data_base64 are mutually exclusive (JSON format §3.1.1); usage data is JSON in data
        { "data_base64=\"AAAA\"", "data_base64" },
        { "data=null", "data" },
        { "data=\"text\"", "data" },
        // datacontenttype must declare JSON the way the JSON format defines it
        { "datacontenttype=\"application/jsonx\"", "datacontenttype" },
        { "datacontenttype=\"application/json-seq\"", "datacontenttype" },
        { "datacontenttype=\"text/plain\"", "datacontenttype" },
        { "datacontenttype=\"application/xml\"", "datacontenttype" },
        { "datacontenttype=\"json\"", "datacontenttype" },
        { "datacontenttype=\"\"", "datacontenttype" },
        { "datacontenttype=\"application/json/x\"", "datacontenttype" },
        // core attributes
        { "specversion=\"0.3\"", "specversion" },
        { "specversion=1.0", "specversion" },
        { "id=\"\"", "id" },
        { "-id", "id" },
        { "-source", "source" },
        { "-type", "type" },
        { "type=\"\"", "type" },
        // RFC 3339 time, in the envelope and in data
        { "time=\"2026-10-20T10:15:00\"", "time" },
        { "time=\"2026-10-20T10:15:00+24:00\"", "time" },
        { "time=\"2026-10-20T10:15:60Z\"", "time" },
        { "time=\"2026-10-20T10:15:00.Z\"", "time" },
        { "time=1792491300", "time" },
        { "data.startTime=\"2026-10-20 10:00:00Z\"", "data.startTime" },
        { "data.endTime=\"2026-10-20T10:15:60Z\"", "data.endTime" },
    };

    [Theory]
    [MemberData(nameof(InvalidEnvelopes))]
    public void Validate_InvalidEnvelope_IsRejectedNamingTheField(string mutation, string field)
    {
        var result = TestEvents.Validate(Mutate(mutation));

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Field == field);
    }

    [Fact]
    public void Validate_ExtensionStringThatIsALoneSurrogate_IsAFieldError()
    {
        string json = "{\"ext\":\"\\ud800\"," + TestEvents.Carrier().ToJsonString()[1..];

        var result = TestEvents.Validator().Validate(System.Text.Encoding.UTF8.GetBytes(json), new ValidationContext(TestEvents.Now, "carrier-tmo"));

        Assert.Equal("ext", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public void Validate_DataBase64WithoutData_SaysUsageDataIsJson()
    {
        var result = TestEvents.Validate(Mutate("-data", "data_base64=\"eyJhIjoxfQ==\""));

        var error = Assert.Single(result.Errors);
        Assert.Equal("data", error.Field);
        Assert.Contains("data_base64", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LeapSecondWhereNoneCanBe_SaysWhy()
    {
        var result = TestEvents.Validate(Mutate("time=\"2026-10-20T10:15:60Z\""));

        Assert.Contains(result.Errors, e => e.Field == "time" && e.Reason.Contains("leap second", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Rfc3339Tests.SpellingsOfOneInstant), MemberType = typeof(Rfc3339Tests))]
    public void ContentHash_SameInstantSpelledDifferently_IsTheSameContent(string a, string b)
    {
        var (first, second) = (FactAt(a), FactAt(b));

        Assert.Equal(first.ContentHash, second.ContentHash);
        Assert.Equal(first.Time, second.Time);
    }

    [Theory]
    [InlineData("2026-10-20T10:15:00.1234567Z", "2026-10-20T10:15:00.1234568Z")]
    [InlineData("2026-10-20T10:15:00Z", "2026-10-20T10:15:00+05:30")]
    public void ContentHash_DifferentInstants_AreDifferentContent(string a, string b) =>
        Assert.NotEqual(FactAt(a).ContentHash, FactAt(b).ContentHash);

    [Fact]
    public void ContentHash_ExtensionsAndDataContentTypeSpelling_AreNotContent()
    {
        var plain = TestEvents.Validate(TestEvents.Carrier()).Fact!;
        var decorated = TestEvents.Validate(Mutate("traceparent=\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"", "datacontenttype=\"application/json; charset=utf-8\"")).Fact!;

        Assert.Equal(plain.ContentHash, decorated.ContentHash);
    }
}
