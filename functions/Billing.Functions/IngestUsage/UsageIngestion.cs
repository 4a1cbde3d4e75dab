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
/// </summary>
public sealed class UsageIngestion(UsageEventValidator validator, TimeProvider time)
{
    public IngestOutcome Ingest(Partner caller, string body)
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
                    return Fail(Problem.BadRequest("the batch is empty", new FieldError("$", "must hold at least one event")));
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

            var context = new ValidationContext(time.GetUtcNow(), caller.Id);
            var carrier = new List<string>();
            var compute = new List<string>();
            var rejected = new JsonArray();
            for (int i = 0; i < events.Count; i++)
            {
                var evt = events[i];
                var raw = JsonMarshal.GetRawUtf8Value(evt);
                var result = validator.Validate(raw, context);
                if (result.Fact is { } fact)
                {
                    (fact.IsCarrier ? carrier : compute).Add(Encoding.UTF8.GetString(raw));
                }
                else
                {
                    rejected.Add(new JsonObject
                    {
                        ["index"] = i,
                        ["id"] = result.Id,
                        ["errors"] = new JsonArray(result.Errors.Select(e => (JsonNode)e.ToString()).ToArray()),
                    });
                }
            }

            if (carrier.Count + compute.Count == 0)
            {
                var first = events.Count == 1 ? validator.Validate(JsonMarshal.GetRawUtf8Value(events[0]), context).Errors : [];
                var problem = new Problem(400, "No event accepted", $"all {events.Count} event(s) were rejected; see 'rejected'",
                    first.Select(e => new FieldError(e.Field, e.Reason)).ToList(),
                    new JsonObject { ["accepted"] = 0, ["rejected"] = rejected });
                return Fail(problem) with { Rejected = events.Count };
            }

            string json = new JsonObject { ["accepted"] = carrier.Count + compute.Count, ["rejected"] = rejected }.ToJsonString();
            return new IngestOutcome(202, json, "application/json", carrier, compute, rejected.Count);
        }
    }

    private static IngestOutcome Fail(Problem problem) => new(problem.Status, problem.ToJson(), Problem.ContentType, [], []);
}
