namespace Billing.Functions.HostProtocol;

/// <summary>
/// A custom-handler invocation: what the host POSTs to <c>/{FunctionName}</c>:
/// <c>{"Data": {binding: value}, "Metadata": {name: value}}</c>.
/// </summary>
public sealed class InvocationRequest : IDisposable
{
    private readonly JsonDocument document;

    private InvocationRequest(JsonDocument document)
    {
        this.document = document;
        var root = document.RootElement;
        Data = HostJson.Property(root, "Data") is { } d ? HostJson.Unwrap(d) : default;
        Metadata = HostJson.Property(root, "Metadata") is { } m ? HostJson.Unwrap(m) : default;
    }

    public JsonElement Data { get; }

    public JsonElement Metadata { get; }

    /// <summary>Parses the host payload; throws <see cref="InvalidHostPayloadException"/> when it is not the expected envelope.</summary>
    public static InvocationRequest Parse(ReadOnlyMemory<byte> body)
    {
        // System.Text.Json checks UTF-8 only when a string is read; check the whole payload once, up front.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            throw new InvalidHostPayloadException("host payload is not valid UTF-8");
        }

        JsonDocument doc;
        try
        {
            doc = JsonText.ParseStrict(body);
        }
        catch (JsonException ex)
        {
            throw new InvalidHostPayloadException($"host payload is not JSON: {ex.Message}");
        }

        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw new InvalidHostPayloadException("host payload must be a JSON object with Data and Metadata");
        }

        return new InvocationRequest(doc);
    }

    public JsonElement? Binding(string name) => HostJson.Property(Data, name);

    public JsonElement? Meta(string name) => HostJson.Property(Metadata, name);

    public void Dispose() => document.Dispose();
}

public sealed class InvalidHostPayloadException(string message) : Exception(message);

/// <summary>What the handler returns to the host: output binding values, log lines and a return value.</summary>
public sealed class InvocationResponse
{
    public JsonObject Outputs { get; } = [];

    public List<string> Logs { get; } = [];

    public JsonNode? ReturnValue { get; set; }

    /// <summary>Sets an output binding to a list of messages. Arrays of strings, because a bare string would be base64-decoded by the host.</summary>
    public InvocationResponse Messages(string binding, IEnumerable<string> messages)
    {
        var array = new JsonArray();
        foreach (var m in messages)
        {
            array.Add(JsonValue.Create(m));
        }

        Outputs[binding] = array;
        return this;
    }

    public InvocationResponse Http(string binding, int statusCode, string body, string contentType)
    {
        Outputs[binding] = new JsonObject
        {
            ["statusCode"] = statusCode,
            ["body"] = body,
            ["headers"] = new JsonObject { ["Content-Type"] = contentType },
        };
        return this;
    }

    public string ToJson() => new JsonObject
    {
        [nameof(Outputs)] = Outputs.DeepClone(),
        [nameof(Logs)] = new JsonArray(Logs.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
        [nameof(ReturnValue)] = ReturnValue?.DeepClone(),
    }.ToJsonString();
}

/// <summary>The <c>req</c> value of an httpTrigger invocation.</summary>
public sealed record HttpTriggerRequest(string Method, string Url, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public static HttpTriggerRequest From(JsonElement? req)
    {
        if (req is null || HostJson.Unwrap(req.Value) is not { ValueKind: JsonValueKind.Object } r)
        {
            throw new InvalidHostPayloadException("Data.req is missing or not an object");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (HostJson.Property(r, "Headers") is { } h && HostJson.Unwrap(h) is { ValueKind: JsonValueKind.Object } ho)
        {
            foreach (var p in ho.EnumerateObject())
            {
                // The host sends header values as arrays of strings; accept a plain string too.
                headers[p.Name] = p.Value.ValueKind == JsonValueKind.Array
                    ? string.Join(",", p.Value.EnumerateArray().Select(JsonText.StringOrRaw))
                    : JsonText.StringOrRaw(p.Value);
            }
        }

        var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (HostJson.Property(r, "Query") is { } q && HostJson.Unwrap(q) is { ValueKind: JsonValueKind.Object } qo)
        {
            foreach (var p in qo.EnumerateObject())
            {
                query[p.Name] = JsonText.StringOrRaw(p.Value);
            }
        }

        // Body arrives as a string; some host versions hand over already-parsed JSON for JSON content types.
        string body = HostJson.Property(r, "Body") switch
        {
            null => "",
            { ValueKind: JsonValueKind.String } s => JsonText.StringOrRaw(s),
            { ValueKind: JsonValueKind.Null } => "",
            { } other => other.GetRawText(),
        };

        return new HttpTriggerRequest(
            HostJson.GetString(HostJson.Property(r, "Method")) ?? "GET",
            HostJson.GetString(HostJson.Property(r, "Url")) ?? "",
            query,
            headers,
            body);
    }
}
