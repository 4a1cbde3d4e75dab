namespace Billing.DevHost;

/// <summary>The custom handler protocol's payloads, shaped as the real Functions host sends them, and its output bindings read back.</summary>
public static class HostPayloads
{
    /// <summary>The payload the real host sends for an eventHubTrigger with dataType string: Data and Metadata values JSON-encoded a second time.</summary>
    public static JsonObject EventHub(FunctionDefinition function, EventHubBroker.Hub hub, EventHubBroker.Partition partition, string consumerGroup, IReadOnlyList<HubEvent> batch, bool many)
    {
        var events = new JsonArray(batch.Select(e => (JsonNode?)JsonValue.Create(e.Body)).ToArray());
        var system = new JsonArray(batch.Select(e => (JsonNode?)new JsonObject
        {
            ["x-opt-sequence-number"] = e.SequenceNumber,
            ["x-opt-offset"] = e.Offset.ToString(CultureInfo.InvariantCulture),
            ["x-opt-enqueued-time"] = e.EnqueuedTime.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["x-opt-partition-key"] = e.PartitionKey,
            ["SequenceNumber"] = e.SequenceNumber,
            ["Offset"] = e.Offset.ToString(CultureInfo.InvariantCulture),
            ["PartitionKey"] = e.PartitionKey,
            ["EnqueuedTimeUtc"] = e.EnqueuedTime.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        }).ToArray());
        var partitionContext = new JsonObject
        {
            ["FullyQualifiedNamespace"] = "devhost.servicebus.localhost",
            ["EventHubName"] = hub.Name,
            ["ConsumerGroup"] = consumerGroup,
            ["PartitionId"] = partition.Id,
        };
        var metadata = new JsonObject
        {
            ["PartitionContext"] = partitionContext.ToJsonString(),
            ["PartitionKeyArray"] = new JsonArray(batch.Select(e => (JsonNode?)JsonValue.Create(e.PartitionKey)).ToArray()).ToJsonString(),
            ["OffsetArray"] = new JsonArray(batch.Select(e => (JsonNode?)JsonValue.Create(e.Offset.ToString(CultureInfo.InvariantCulture))).ToArray()).ToJsonString(),
            ["SequenceNumberArray"] = new JsonArray(batch.Select(e => (JsonNode?)JsonValue.Create(e.SequenceNumber)).ToArray()).ToJsonString(),
            ["EnqueuedTimeUtcArray"] = new JsonArray(batch.Select(e => (JsonNode?)JsonValue.Create(e.EnqueuedTime.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))).ToArray()).ToJsonString(),
            ["PropertiesArray"] = new JsonArray(batch.Select(_ => (JsonNode?)new JsonObject()).ToArray()).ToJsonString(),
            ["SystemPropertiesArray"] = system.ToJsonString(),
            ["sys"] = Sys(function),
        };
        JsonNode data = many ? JsonValue.Create(events.ToJsonString()) : JsonValue.Create(batch[0].Body);
        return new JsonObject { ["Data"] = new JsonObject { [function.Trigger.Name] = data }, ["Metadata"] = metadata };
    }

    /// <summary>The payload of a timerTrigger invocation.</summary>
    public static JsonObject Timer(FunctionDefinition function, bool isPastDue)
    {
        var now = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        var timer = new JsonObject
        {
            ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
            ["ScheduleStatus"] = new JsonObject { ["Last"] = now, ["Next"] = now, ["LastUpdated"] = now },
            ["IsPastDue"] = isPastDue,
        };
        return new JsonObject { ["Data"] = new JsonObject { [function.Trigger.Name] = timer.ToJsonString() }, ["Metadata"] = new JsonObject { ["sys"] = Sys(function) } };
    }

    /// <summary>The payload of an httpTrigger invocation (when requests are not forwarded): the request as the host describes it.</summary>
    public static JsonObject Http(FunctionDefinition function, HttpRequest request, string url, string body, Dictionary<string, string> routeParams)
    {
        var headers = new JsonObject();
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }

        var query = new JsonObject();
        foreach (var (name, values) in request.Query)
        {
            query[name] = values.ToString();
        }

        var parameters = new JsonObject();
        foreach (var (k, v) in routeParams)
        {
            parameters[k] = v;
        }

        var req = new JsonObject
        {
            ["Url"] = url,
            ["Method"] = request.Method,
            ["Query"] = query,
            ["Headers"] = headers,
            ["Params"] = parameters,
            ["Identities"] = new JsonArray(),
            ["Body"] = body,
        };
        var metadata = new JsonObject
        {
            ["Query"] = query.ToJsonString(),
            ["Headers"] = headers.ToJsonString(),
            ["sys"] = Sys(function),
        };
        foreach (var (k, v) in routeParams)
        {
            metadata[k] = v;
        }

        return new JsonObject { ["Data"] = new JsonObject { [function.Trigger.Name] = req }, ["Metadata"] = metadata };
    }

    /// <summary>Output binding value → messages: an array gives one message per item; a bare string is base64, as the host decodes it.</summary>
    public static IEnumerable<string> OutputMessages(JsonNode value) => value switch
    {
        JsonArray a => a.Select(item => item is JsonValue v && v.TryGetValue(out string? s) ? s : item?.ToJsonString() ?? "null").ToList(),
        JsonValue v when v.TryGetValue(out string? s) => [DecodeBase64OrRaw(s)],
        _ => [value.ToJsonString()],
    };

    private static string DecodeBase64OrRaw(string s)
    {
        Span<byte> buffer = new byte[s.Length];
        return Convert.TryFromBase64String(s, buffer, out int n) ? Encoding.UTF8.GetString(buffer[..n]) : s;
    }

    private static JsonObject Sys(FunctionDefinition function) => new()
    {
        ["MethodName"] = function.Name,
        ["UtcNow"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        ["RandGuid"] = Guid.NewGuid().ToString(),
    };
}
