using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Billing.Domain.Events;
using Billing.Domain.Partners;
using Billing.Functions.HostProtocol;
using Billing.Functions.Infrastructure;

namespace Billing.Functions.IngestUsage;

/// <summary>What one POST /api/v1/usage produced: the HTTP answer and the events to publish per hub.</summary>
public sealed record IngestOutcome(int Status, string Body, string ContentType, IReadOnlyList<string> CarrierEvents, IReadOnlyList<string> ComputeEvents, int Rejected = 0)
{
    public int Accepted => CarrierEvents.Count + ComputeEvents.Count;
}

/// <summary>
/// Validates a partner's request (one event or a batch) and splits accepted events by hub. Nothing is stored here:
/// accepted events leave through the eventHub output bindings, so the host delivers them at least once to metering.
/// The CloudEvents HTTP binding's content modes are told apart by <c>Content-Type</c> (§3): structured
/// (<c>application/cloudevents+json</c>, one event), batched (<c>application/cloudevents-batch+json</c>, an array),
/// binary (<c>ce-specversion</c> present: attributes in <c>ce-*</c> headers, body = data), and, for partners that
/// predate this, plain <c>application/json</c> holding an event or an array. Anything else is 415.
/// </summary>
public sealed class UsageIngestion(UsageEventValidator validator, TimeProvider time)
{
    private enum Mode
    {
        Structured,
        Batch,
        PlainJson,
    }

    /// <summary>A body sent as plain <c>application/json</c> (the convenience existing partners use).</summary>
    public IngestOutcome Ingest(Partner caller, string body) =>
        Ingest(caller, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" }, body);

    public IngestOutcome Ingest(Partner caller, IReadOnlyDictionary<string, string> headers, string body)
    {
        if (caller.Role is not (PartnerRole.Carrier or PartnerRole.Provider))
        {
            return Fail(Problem.Forbidden($"a {caller.Role.ToString().ToLowerInvariant()} may not post usage; only carriers and compute providers can"));
        }

        int size = Encoding.UTF8.GetByteCount(body);
        if (size > EventLimits.MaxRequestBytes)
        {
            return Fail(new Problem(413, "Payload too large", $"the request is {size} bytes; the limit is {EventLimits.MaxRequestBytes} bytes (1 MiB)"));
        }

        string? contentType = BinaryContentMode.Find(headers, "Content-Type");
        string? essence = CloudEventsText.MediaTypeEssence(contentType);
        Mode mode;
        switch (essence)
        {
            case "application/cloudevents+json":
                mode = Mode.Structured;
                break;
            case "application/cloudevents-batch+json":
                mode = Mode.Batch;
                break;
            case not null when essence.StartsWith("application/cloudevents", StringComparison.Ordinal):
                return Fail(UnsupportedMediaType($"'{contentType}' is a CloudEvents format this API does not read; send application/cloudevents+json or application/cloudevents-batch+json"));
            case var _ when BinaryContentMode.IsPresent(headers):
                if (essence is null || !CloudEventsText.IsJsonMediaType(contentType))
                {
                    return Fail(UnsupportedMediaType($"binary mode: Content-Type '{contentType}' is the event data's type, and usage data must be JSON (application/json or a +json type)"));
                }

                return IngestBinary(caller, headers, contentType!, body);
            case "application/json":
                mode = Mode.PlainJson;
                break;
            default:
                return Fail(UnsupportedMediaType(contentType is null
                    ? "Content-Type is missing; send application/cloudevents+json (one event), application/cloudevents-batch+json (a batch) or binary mode (ce-* headers)"
                    : $"'{contentType}' is neither application/cloudevents+json (one event), application/cloudevents-batch+json (a batch) nor binary mode (ce-* headers)"));
        }

        if (string.IsNullOrWhiteSpace(body))
        {
            return Fail(Problem.BadRequest("the body is empty; send one CloudEvent or a JSON array of them", new FieldError("$", "is required")));
        }

        JsonDocument document;
        try
        {
            document = JsonText.ParseStrict(body);
        }
        catch (JsonException ex)
        {
            return Fail(Problem.BadRequest($"the body is not valid JSON: {ex.Message}", new FieldError("$", "must be valid JSON")));
        }

        using (document)
        {
            var root = document.RootElement;
            if (mode == Mode.Structured && root.ValueKind == JsonValueKind.Array)
            {
                return Fail(UnsupportedMediaType("Content-Type application/cloudevents+json declares one event, but the body is a JSON array; send a batch as application/cloudevents-batch+json"));
            }

            if (mode == Mode.Batch && root.ValueKind == JsonValueKind.Object)
            {
                return Fail(UnsupportedMediaType("Content-Type application/cloudevents-batch+json declares a batch, but the body is one JSON object; send it as an array or as application/cloudevents+json"));
            }

            IReadOnlyList<JsonElement> events;
            if (root.ValueKind == JsonValueKind.Array)
            {
                int count = root.GetArrayLength();
                if (count > EventLimits.MaxEventsPerRequest)
                {
                    return Fail(new Problem(413, "Payload too large", $"the batch holds {count} events; the limit is {EventLimits.MaxEventsPerRequest}"));
                }

                if (count == 0)
                {
                    return Fail(Problem.BadRequest("empty batch: nothing to accept", new FieldError("$", "empty batch: must hold at least one event")));
                }

                events = root.EnumerateArray().ToList();
            }
            else if (root.ValueKind == JsonValueKind.Object)
            {
                events = [root];
            }
            else
            {
                return Fail(Problem.BadRequest("the body must be a CloudEvent object or an array of them", new FieldError("$", "must be an object or an array")));
            }

            return Answer(events.Count, i => JsonMarshal.GetRawUtf8Value(events[i]), new ValidationContext(time.GetUtcNow(), caller.Id), []);
        }
    }

    /// <summary>Binary mode: the canonical structured event is validated and published, as if it had been sent structured.</summary>
    private IngestOutcome IngestBinary(Partner caller, IReadOnlyDictionary<string, string> headers, string contentType, string body)
    {
        var transportErrors = new List<ValidationError>();
        byte[] structured = BinaryContentMode.ToStructured(headers, contentType, body, transportErrors);
        return Answer(1, _ => structured, new ValidationContext(time.GetUtcNow(), caller.Id), transportErrors);
    }

    /// <summary>Validates each event and builds the 202 (something accepted) or 400 (nothing accepted) answer.</summary>
    /// <param name="transportErrors">Errors of a binary-mode request's HTTP form, reported before the event's own.</param>
    private IngestOutcome Answer(int count, Func<int, ReadOnlySpan<byte>> eventAt, ValidationContext context, IReadOnlyList<ValidationError> transportErrors)
    {
        var carrier = new List<string>();
        var compute = new List<string>();
        var rejected = new JsonArray();
        IReadOnlyList<ValidationError> first = [];
        for (int i = 0; i < count; i++)
        {
            var raw = eventAt(i);
            var result = validator.Validate(raw, context);
            if (result.Fact is { } fact && transportErrors.Count == 0)
            {
                (fact.IsCarrier ? carrier : compute).Add(Encoding.UTF8.GetString(raw));
                continue;
            }

            IReadOnlyList<ValidationError> errors = transportErrors.Count == 0 ? result.Errors : [.. transportErrors, .. result.Errors.Where(e => !transportErrors.Any(t => t.Field == e.Field))];
            if (i == 0)
            {
                first = errors;
            }

            rejected.Add(new JsonObject
            {
                ["index"] = i,
                ["id"] = result.Id,
                ["errors"] = new JsonArray(errors.Select(e => (JsonNode)e.ToString()).ToArray()),
            });
        }

        if (carrier.Count + compute.Count == 0)
        {
            var problem = new Problem(400, "No event accepted", $"all {count} event(s) were rejected; see 'rejected'",
                (count == 1 ? first : []).Select(e => new FieldError(e.Field, e.Reason)).ToList(),
                new Dictionary<string, JsonElement> { ["accepted"] = JsonSerializer.SerializeToElement(0), ["rejected"] = JsonSerializer.SerializeToElement(rejected) });
            return Fail(problem) with { Rejected = count };
        }

        string json = new JsonObject { ["accepted"] = carrier.Count + compute.Count, ["rejected"] = rejected }.ToJsonString();
        return new IngestOutcome(202, json, "application/json", carrier, compute, rejected.Count);
    }

    private static Problem UnsupportedMediaType(string reason) =>
        new(415, "Unsupported media type", reason, [new FieldError("Content-Type", reason)]);

    private static IngestOutcome Fail(Problem problem) => new(problem.Status, problem.ToJson(), Problem.ContentType, [], []);
}
