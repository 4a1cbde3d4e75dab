using CloudNative.CloudEvents.SystemTextJson;

namespace Billing.Domain.Tests.Events;

/// <summary>
/// Differential test: the CNCF CloudEvents .NET SDK (<c>CloudNative.CloudEvents</c> with its System.Text.Json
/// formatter) decides whether a generated envelope is a valid CloudEvent, and our validator must agree. Every event is
/// otherwise a valid usage event, so any disagreement is an envelope rule one of the two gets wrong.
/// <para>Left out of the generator on purpose, where we follow RFC 3339 and the SDK does not: lowercase <c>t</c>/<c>z</c>,
/// offsets beyond ±14:00 and leap seconds (the SDK rejects them; <see cref="Rfc3339Tests"/> covers them), an upper-case
/// <c>datacontenttype</c> such as <c>APPLICATION/JSON</c> (media types are case-insensitive, RFC 7231 §3.1.1.1; the SDK
/// compares case-sensitively), and
/// <c>specversion</c> 0.3 (the SDK reads it; our contract accepts 1.0 only).</para>
/// </summary>
public class CloudEventsOracleTests
{
    private static readonly string[] ExtensionNames = ["ext", "traceparent", "x1", "averyveryverylongextensionname", "Ext", "ext_a", "ext-a", "EXT"];

    private static readonly string[] ExtensionValues =
    [
        "\"text\"", "\"\"", "true", "false", "null", "0", "-1", "2147483647", "-2147483648", "2147483648", "-2147483649",
        "1.5", "1.0", "1e3", "{}", "[]", "[1]", "{\"a\":1}", "\"a\\u0001b\"", "\"tab\\there\"", "\"caf\\u00e9\"",
    ];

    private static readonly string[] DataContentTypes =
    [
        "\"application/json\"", "\"text/json\"", "\"application/vnd.example+json\"", "\"application/json; charset=utf-8\"",
        "\"application/jsonx\"", "\"text/plain\"", "\"application/xml\"", "null",
    ];

    private static readonly string[] DataSchemas =
    [
        "\"https://example.com/schemas/usage.json\"", "\"urn:example:usage:v1\"", "\"http://example.com/a?b=c#d\"", "null",
        "\"\"", "\"schemas/usage.json\"", "\"usage\"",
    ];

    private static readonly string[] Subjects = ["\"hotspot/1\"", "\"x\"", "null", "\"\"", "\"a\\u0002b\""];

    private static readonly string[] Times =
    [
        "\"2026-10-20T10:15:00Z\"", "\"2026-10-20T10:15:00.1Z\"", "\"2026-10-20T10:15:00.123456789Z\"",
        "\"2026-10-20T10:15:00.123456789012Z\"", "\"2026-10-20T15:45:00+05:30\"", "\"2026-10-20T00:15:00-10:00\"",
        "\"2026-10-20T10:15:00-00:00\"", "\"2026-10-20T10:15:00\"", "\"2026-10-20T10:15:00+0200\"", "\"2026-13-20T10:15:00Z\"",
        "\"2026-10-20T25:15:00Z\"", "\"2026-10-20\"", "\"not a time\"",
    ];

    private static readonly string[] Ids = ["\"sess-1\"", "\"a b\"", "\"\""];

    [Fact]
    public void Validate_GeneratedEnvelopes_AgreeWithTheCloudEventsSdk()
    {
        var random = new Random(20261201);
        var formatter = new JsonEventFormatter();
        var validator = TestEvents.Validator();
        var disagreements = new List<string>();
        int valid = 0;
        for (int n = 0; n < 3000; n++)
        {
            var evt = TestEvents.Carrier();
            evt.Remove("subject");
            evt.Remove("datacontenttype");
            if (random.Next(3) == 0)
            {
                evt["id"] = JsonNode.Parse(Pick(random, Ids));
                evt["data"]!["sessionId"] = "sess-1";
            }

            if (random.Next(2) == 0)
            {
                evt["time"] = JsonNode.Parse(Pick(random, Times));
            }

            if (random.Next(2) == 0)
            {
                evt["datacontenttype"] = JsonNode.Parse(Pick(random, DataContentTypes));
            }

            if (random.Next(3) == 0)
            {
                evt["dataschema"] = JsonNode.Parse(Pick(random, DataSchemas));
            }

            if (random.Next(3) == 0)
            {
                evt["subject"] = JsonNode.Parse(Pick(random, Subjects));
            }

            for (int e = random.Next(3); e > 0; e--)
            {
                evt[Pick(random, ExtensionNames)] = JsonNode.Parse(Pick(random, ExtensionValues));
            }

            if (random.Next(10) == 0)
            {
                evt["data_base64"] = "eyJhIjoxfQ==";
            }

            byte[] json = Encoding.UTF8.GetBytes(evt.ToJsonString());
            bool ours = validator.Validate(json, new ValidationContext(TestEvents.Now, "carrier-tmo")).IsValid;
            bool sdk = SdkAccepts(formatter, json, out string why);
            valid += ours ? 1 : 0;
            if (ours != sdk)
            {
                disagreements.Add($"ours={ours} sdk={sdk} ({why}): {evt.ToJsonString()}");
            }
        }

        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements.Take(10)));
        Assert.InRange(valid, 300, 2700); // the generator exercises both sides
    }

    private static bool SdkAccepts(JsonEventFormatter formatter, byte[] json, out string why)
    {
        try
        {
            var evt = formatter.DecodeStructuredModeMessage(json, null, null);
            why = "";
            return evt.IsValid;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or System.Text.Json.JsonException)
        {
            why = ex.Message;
            return false;
        }
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];
}
