using Billing.Application.Ingestion;
using Billing.Contracts.Usage;
using Billing.Functions.IngestUsage;
using Billing.Publishing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Billing.Functions.Tests.IngestUsage;

/// <summary>
/// The CloudEvents HTTP protocol binding 1.0.2 at POST /api/v1/usage, table-driven from the specification: content
/// modes told apart by Content-Type (§3), binary mode's ce-* headers and their percent-encoding (§3.1.3), and the
/// problem+json each failure gives.
/// </summary>
public partial class UsageIngestionTests
{
    private static readonly DateTimeOffset Now = new(2026, 10, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly Partner Carrier = new("carrier-tmo", PartnerRole.Carrier, "carrier-standard-v1");
    private const string Hotspot = "5ZxY9QXb1cTqVmk3n8pJfLr2sDwEaGh4uKoN6iBvCyT7";

    private static HttpIngestion Ingestion() => new(new UsageIngestion(Validator(), new UsagePartitioner([], 8), new UnreachablePublisher(), new FakeTimeProvider(Now)));

    /// <summary>What the partner gets: status, body and content type of the adapter's answer, and what would be published per hub.</summary>
    private sealed record HttpAnswer(int Status, string Body, string ContentType, IReadOnlyList<string> CarrierEvents, IReadOnlyList<string> ComputeEvents)
    {
        public int Accepted => CarrierEvents.Count + ComputeEvents.Count;
    }

    /// <summary>The use case's validation and the adapter's mapping of its outcome (publishing is covered by <see cref="UsagePublishingTests"/>).</summary>
    private sealed class HttpIngestion(UsageIngestion ingestion)
    {
        public HttpAnswer Ingest(Partner caller, IReadOnlyDictionary<string, string> headers, string body) =>
            Ingest(caller, headers, Encoding.UTF8.GetBytes(body));

        public HttpAnswer Ingest(Partner caller, IReadOnlyDictionary<string, string> headers, byte[] body)
        {
            var outcome = ingestion.Validate(caller, headers, body);
            return IngestAnswer.From(outcome).Result switch
            {
                JsonHttpResult<UsageAcceptedResponse> ok => new HttpAnswer(ok.StatusCode!.Value, JsonSerializer.Serialize(ok.Value, BillingJsonContext.Default.UsageAcceptedResponse), ok.ContentType!, Texts(outcome, UsageHub.CarrierOffload), Texts(outcome, UsageHub.ComputeUsage)),
                JsonHttpResult<ApiProblem> problem => new HttpAnswer(problem.StatusCode!.Value, JsonSerializer.Serialize(problem.Value, BillingJsonContext.Default.ApiProblem), problem.ContentType!, [], []),
                var other => throw new InvalidOperationException($"unexpected result {other}"),
            };
        }

        private static List<string> Texts(IngestOutcome outcome, UsageHub hub) =>
            outcome.Published.Where(p => p.Hub == hub).Select(p => Encoding.UTF8.GetString(p.Body.Span)).ToList();
    }

    /// <summary>Validation never publishes; a call here is a bug in the test.</summary>
    private sealed class UnreachablePublisher : IUsagePublisher
    {
        public Task PublishAsync(IReadOnlyList<PublishedUsage> events, CancellationToken cancellationToken) => throw new InvalidOperationException("validation must not publish");
    }

    private static UsageEventValidator Validator() => new(new Partners(), new Prices());

    private static readonly DateTimeOffset SessionEnd = new(2026, 10, 20, 10, 15, 0, TimeSpan.Zero);

    /// <summary>A structured-mode carrier event with subject and content type, session sess-1 unless told.</summary>
    private static JsonObject Event(string id = "sess-1") =>
        new CarrierEvent(id, Hotspot, 1_200_000, 5_400_000, SessionEnd) { Subject = "hotspot/" + Hotspot, DataContentType = "application/json" }.ToJson();

    /// <summary>The data of <see cref="Event"/>: the body in binary mode.</summary>
    private static JsonObject Data() => Event()["data"]!.DeepClone().AsObject();

    /// <summary>The binary-mode form of <see cref="Event"/>: attributes as headers, data as the body.</summary>
    private static Dictionary<string, string> BinaryHeaders(string contentType = "application/json") => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Content-Type"] = contentType,
        ["ce-specversion"] = "1.0",
        ["ce-type"] = EventTypes.CarrierOffloadV1,
        ["ce-source"] = "carrier-tmo",
        ["ce-id"] = "sess-1",
        ["ce-time"] = "2026-10-20T10:15:00Z",
        ["ce-subject"] = "hotspot%2F" + Hotspot,
        ["X-Api-Key"] = "not-an-attribute",
    };

    private static HttpAnswer Post(string? contentType, string body) => Post(contentType, Encoding.UTF8.GetBytes(body));

    private static HttpAnswer Post(string? contentType, byte[] body)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (contentType is not null)
        {
            headers["Content-Type"] = contentType;
        }

        return Ingestion().Ingest(Carrier, headers, body);
    }

    private static JsonObject Answer(HttpAnswer outcome) => JsonNode.Parse(outcome.Body)!.AsObject();

    private static List<string> Fields(HttpAnswer outcome) =>
        Answer(outcome)["errors"]?.AsArray().Select(e => e!["field"]!.GetValue<string>()).ToList() ?? [];

    [Theory]
    [InlineData("application/cloudevents+json", false)]
    [InlineData("Application/CloudEvents+JSON; charset=UTF-8", false)]
    [InlineData("application/cloudevents+json;charset=utf-8", false)]
    [InlineData("application/cloudevents-batch+json", true)]
    [InlineData("APPLICATION/CLOUDEVENTS-BATCH+JSON ; charset=utf-8", true)]
    [InlineData("application/json", false)] // the plain-JSON convenience existing partners use: an event or a batch
    [InlineData("application/json", true)]
    [InlineData("application/json; charset=utf-8", true)]
    public void Ingest_MatchingContentType_Accepts(string contentType, bool batch)
    {
        string body = batch ? new JsonArray(Event("a"), Event("b")).ToJsonString() : Event().ToJsonString();

        var outcome = Post(contentType, body);

        Assert.Equal(202, outcome.Status);
        Assert.Equal(batch ? 2 : 1, outcome.Accepted);
    }

    [Theory]
    [InlineData("application/cloudevents+json", true)]        // one event declared, an array sent
    [InlineData("application/cloudevents-batch+json", false)] // a batch declared, one object sent
    [InlineData("text/plain", false)]
    [InlineData("text/plain; charset=utf-8", true)]
    [InlineData("application/jsonx", false)]
    [InlineData("application/x-www-form-urlencoded", false)]
    [InlineData("application/cloudevents+xml", false)]
    [InlineData("application/cloudevents", false)]
    [InlineData("not a media type", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Ingest_ContentTypeNotMatchingAnyMode_Is415NamingTheHeader(string? contentType, bool batch)
    {
        string body = batch ? new JsonArray(Event()).ToJsonString() : Event().ToJsonString();

        var outcome = Post(contentType, body);

        Assert.Equal(415, outcome.Status);
        Assert.Equal("application/problem+json", outcome.ContentType);
        Assert.Equal(["Content-Type"], Fields(outcome));
        Assert.Equal(0, outcome.Accepted);
    }

    [Theory]
    [InlineData("application/cloudevents-batch+json")]
    [InlineData("application/json")]
    public void Ingest_EmptyBatch_Is400EmptyBatch(string contentType)
    {
        var outcome = Post(contentType, "[]");

        Assert.Equal(400, outcome.Status);
        Assert.Contains("empty batch", Answer(outcome)["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("empty batch", Answer(outcome)["errors"]![0]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Ingest_BinaryMode_PublishesTheStructuredEventWithTheSameFactAsStructuredMode()
    {
        var binary = Ingestion().Ingest(Carrier, BinaryHeaders("application/json; charset=utf-8"), Data().ToJsonString());
        var structured = Post("application/cloudevents+json", Event().ToJsonString());

        Assert.Equal(202, binary.Status);
        string published = Assert.Single(binary.CarrierEvents);
        var evt = JsonNode.Parse(published)!.AsObject();
        Assert.Equal("hotspot/" + Hotspot, evt["subject"]!.GetValue<string>());
        Assert.Equal("application/json; charset=utf-8", evt["datacontenttype"]!.GetValue<string>());
        Assert.False(evt.ContainsKey("x-api-key"));
        Assert.True(JsonNode.DeepEquals(Data(), evt["data"]));

        // Metering sees the same (source, id) with the same content: a resend in the other mode is a duplicate.
        var context = new ValidationContext(Now, null);
        var a = Validator().Validate(Encoding.UTF8.GetBytes(published), context).Fact;
        var b = Validator().Validate(Encoding.UTF8.GetBytes(Assert.Single(structured.CarrierEvents)), context).Fact;
        Assert.NotNull(a);
        Assert.Equal(b, a);
    }

    [Fact]
    public void Ingest_BinaryMode_SameRequestTwice_PublishesTheSameBytes()
    {
        var headers = BinaryHeaders();
        headers["ce-zeta"] = "1";
        headers["ce-alpha"] = "2";

        var first = Assert.Single(Ingestion().Ingest(Carrier, headers, Data().ToJsonString()).CarrierEvents);
        var reordered = new Dictionary<string, string>(headers.Reverse(), StringComparer.OrdinalIgnoreCase);
        var second = Assert.Single(Ingestion().Ingest(Carrier, reordered, Data().ToJsonString()).CarrierEvents);

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("hotspot%2F%E2%82%AC", "hotspot/€")]           // UTF-8 percent-encoded
    [InlineData("hotspot%2f%e2%82%ac", "hotspot/€")]           // lower-case hex must be accepted
    [InlineData("%68otspot", "hotspot")]                       // needlessly encoded is fine
    [InlineData("\"hotspot a\"", "hotspot a")]                 // a double-quoted value of an older sender
    [InlineData("\"say \\\"hi\\\"\"", "say \"hi\"")]
    [InlineData("Euro%20%E2%82%AC%20%F0%9F%98%80", "Euro € 😀")] // the specification's example
    public void Ingest_BinaryModeHeaderValues_ArePercentDecoded(string header, string subject)
    {
        var headers = BinaryHeaders();
        headers["ce-subject"] = header;

        var outcome = Ingestion().Ingest(Carrier, headers, Data().ToJsonString());

        Assert.Equal(202, outcome.Status);
        Assert.Equal(subject, JsonNode.Parse(Assert.Single(outcome.CarrierEvents))!["subject"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("ce-subject", "%C0%A0", "subject")]             // overlong UTF-8 must be rejected
    [InlineData("ce-subject", "%zz", "subject")]
    [InlineData("ce-subject", "abc%", "subject")]
    [InlineData("ce-subject", "%FF", "subject")]
    [InlineData("ce-id", "", "id")]
    [InlineData("ce-time", "2026-10-20T10:15:00", "time")]
    [InlineData("ce-time", "2026-10-20T10:15:60Z", "time")]
    [InlineData("ce-specversion", "0.3", "specversion")]
    [InlineData("ce-type", "com.example.other", "type")]
    [InlineData("ce-source", "carrier-other", "source")]
    [InlineData("ce-dataschema", "not a uri", "dataschema")]
    [InlineData("ce-datacontenttype", "application/json", "datacontenttype")] // Content-Type carries it (§3.1.1)
    [InlineData("ce-Foo_Bar", "x", "foo_bar")]                  // extension names are a-z and 0-9
    public void Ingest_BinaryModeRuleBroken_Is400NamingTheAttribute(string header, string value, string field)
    {
        var headers = BinaryHeaders();
        headers[header] = value;

        var outcome = Ingestion().Ingest(Carrier, headers, Data().ToJsonString());

        Assert.Equal(400, outcome.Status);
        Assert.Equal("application/problem+json", outcome.ContentType);
        Assert.Contains(field, Fields(outcome));
        Assert.Empty(outcome.CarrierEvents);
    }

    [Theory]
    [InlineData("ce-id", "id")]
    [InlineData("ce-source", "source")]
    [InlineData("ce-type", "type")]
    [InlineData("ce-time", "time")]
    public void Ingest_BinaryModeRequiredHeaderMissing_Is400NamingTheAttribute(string header, string field)
    {
        var headers = BinaryHeaders();
        headers.Remove(header);

        var outcome = Ingestion().Ingest(Carrier, headers, Data().ToJsonString());

        Assert.Equal(400, outcome.Status);
        Assert.Contains(field, Fields(outcome));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    public void Ingest_BinaryModeBodyNotAnObject_Is400NamingData(string body)
    {
        var outcome = Ingestion().Ingest(Carrier, BinaryHeaders(), body);

        Assert.Equal(400, outcome.Status);
        Assert.Contains("data", Fields(outcome));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/octet-stream")]
    [InlineData(null)]
    public void Ingest_BinaryModeDataNotJson_Is415NamingContentType(string? contentType)
    {
        var headers = BinaryHeaders();
        headers.Remove("Content-Type");
        if (contentType is not null)
        {
            headers["Content-Type"] = contentType;
        }

        var outcome = Ingestion().Ingest(Carrier, headers, Data().ToJsonString());

        Assert.Equal(415, outcome.Status);
        Assert.Equal(["Content-Type"], Fields(outcome));
    }

    [Theory]
    [InlineData("application/vnd.example.usage+json")]
    [InlineData("text/json")]
    public void Ingest_BinaryModeWithAnyJsonDataType_Accepts(string contentType)
    {
        var headers = BinaryHeaders(contentType);
        headers["ce-traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        headers["CE-PARTITIONKEY"] = "hotspot-1";

        var outcome = Ingestion().Ingest(Carrier, headers, Data().ToJsonString());

        Assert.Equal(202, outcome.Status);
        var evt = JsonNode.Parse(Assert.Single(outcome.CarrierEvents))!;
        Assert.Equal("hotspot-1", evt["partitionkey"]!.GetValue<string>());
        Assert.Equal(contentType, evt["datacontenttype"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(63, 202)]
    [InlineData(64, 400)]
    public void Ingest_BinaryModeDataNestedDeep_AcceptedAsFarAsTheEventHoldingItMayNest(int depth, int status)
    {
        // The event holding the data nests one level deeper: data 64 deep made an event the validator refused to read (500).
        string data = Data().ToJsonString()[..^1] + ",\"x\":" + new string('[', depth - 1) + new string(']', depth - 1) + "}";

        var outcome = Ingestion().Ingest(Carrier, BinaryHeaders(), data);

        Assert.Equal(status, outcome.Status);
        Assert.Equal(status == 202 ? [] : ["data"], Fields(outcome));
    }

    [Fact]
    public void Ingest_StructuredContentTypeWithCeHeaders_IsStructuredAndIgnoresTheHeaders()
    {
        var headers = BinaryHeaders("application/cloudevents+json");
        headers["ce-id"] = "from-header";

        var outcome = Ingestion().Ingest(Carrier, headers, Event("from-body").ToJsonString());

        Assert.Equal(202, outcome.Status);
        Assert.Equal("from-body", JsonNode.Parse(Assert.Single(outcome.CarrierEvents))!["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("application/cloudevents-batch+json")]
    [InlineData("application/json")]
    public void Ingest_BatchRepeatingAnIdWithOtherContent_RejectsTheRepeatNamingIdAndTheFirst(string contentType)
    {
        var first = new CarrierEvent("sess-dup", Hotspot, 1_000, 2_000, SessionEnd).ToJson();
        var other = new CarrierEvent("sess-dup", Hotspot, 9_000, 2_000, SessionEnd).ToJson(); // same id, other bytes
        var own = new CarrierEvent("sess-own", Hotspot, 1_000, 2_000, SessionEnd).ToJson();

        var outcome = Post(contentType, new JsonArray(first, other, own).ToJsonString());

        Assert.Equal(202, outcome.Status);
        Assert.Equal(2, outcome.Accepted);
        var rejected = Assert.Single(Answer(outcome)["rejected"]!.AsArray())!;
        Assert.Equal(1, rejected["index"]!.GetValue<int>());
        Assert.Equal("sess-dup", rejected["id"]!.GetValue<string>());
        Assert.StartsWith("id: repeats the id of event 0 in this request with different content", rejected["errors"]![0]!.GetValue<string>());
        Assert.Equal(1_000, JsonNode.Parse(outcome.CarrierEvents[0])!["data"]!["uploadBytes"]!.GetValue<long>()); // the first is the one sent
    }

    [Fact]
    public void Ingest_BatchRepeatingAnEventUnchanged_AcceptsBothForMeteringToCountOnce()
    {
        var evt = new CarrierEvent("sess-again", Hotspot, 1_000, 2_000, SessionEnd).ToJson();

        var outcome = Post("application/cloudevents-batch+json", new JsonArray(evt, evt.DeepClone()).ToJsonString());

        Assert.Equal(202, outcome.Status);
        Assert.Equal(2, outcome.Accepted);
        Assert.Empty(Answer(outcome)["rejected"]!.AsArray());
    }

    private sealed class Partners : IPartnerDirectory
    {
        public Partner? Find(string partnerId) => partnerId switch
        {
            "carrier-tmo" => Carrier,
            "carrier-other" => new("carrier-other", PartnerRole.Carrier, "carrier-standard-v1"),
            _ => null,
        };
    }

    private sealed class Prices : IPriceCatalog
    {
        public bool IsPriced(string planId, string meter, string dimensionValue) => false;
    }
}
