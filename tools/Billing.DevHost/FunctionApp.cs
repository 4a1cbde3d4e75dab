using System.Text.Json;

namespace Billing.DevHost;

/// <summary>One binding from a function.json, with the raw JSON kept for binding-specific settings.</summary>
public sealed record BindingDefinition(string Type, string Direction, string Name, JsonElement Raw)
{
    public string? Setting(string name) =>
        Raw.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null;

    public IReadOnlyList<string> Methods =>
        Raw.TryGetProperty("methods", out var m) && m.ValueKind == JsonValueKind.Array ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToList() : [];
}

/// <summary>The function-level retry policy of function.json (what the host applies before it checkpoints).</summary>
public sealed record RetryPolicy(string Strategy, int MaxRetryCount, TimeSpan MinimumInterval, TimeSpan MaximumInterval, TimeSpan DelayInterval)
{
    public static readonly RetryPolicy None = new("none", 0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>-1 retries for ever, as the host does.</summary>
    public bool RetriesForever => MaxRetryCount < 0;

    public TimeSpan Delay(int attempt) => Strategy switch
    {
        "exponentialBackoff" => TimeSpan.FromTicks(Math.Min(MaximumInterval.Ticks, MinimumInterval.Ticks * (1L << Math.Min(attempt, 20)))),
        "fixedDelay" => DelayInterval,
        _ => TimeSpan.Zero,
    };
}

public sealed record FunctionDefinition(string Name, IReadOnlyList<BindingDefinition> Bindings, RetryPolicy Retry)
{
    public BindingDefinition Trigger => Bindings.Single(b => b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));

    public IEnumerable<BindingDefinition> Outputs => Bindings.Where(b => b.Direction == "out");

    /// <summary>HTTP in and only HTTP out: the host forwards the original request when enableForwardingHttpRequest is on.</summary>
    public bool IsPlainHttp => Trigger.Type == "httpTrigger" && Outputs.All(o => o.Type == "http");
}

/// <summary>A function app folder as the host reads it: host.json plus one folder per function with a function.json.</summary>
public sealed class FunctionApp
{
    private FunctionApp(string directory, JsonElement hostJson, IReadOnlyList<FunctionDefinition> functions)
    {
        Directory = directory;
        HostJson = hostJson;
        Functions = functions;
    }

    public string Directory { get; }

    public JsonElement HostJson { get; }

    public IReadOnlyList<FunctionDefinition> Functions { get; }

    public string ExecutablePath => Path.Combine(Directory, Get(HostJson, "customHandler", "description", "defaultExecutablePath")?.GetString()
        ?? throw new InvalidOperationException("host.json has no customHandler.description.defaultExecutablePath"));

    public bool ForwardHttpRequests => Get(HostJson, "customHandler", "enableForwardingHttpRequest")?.ValueKind == JsonValueKind.True;

    public string RoutePrefix => Get(HostJson, "extensions", "http", "routePrefix")?.GetString() ?? "api";

    public int MaxEventBatchSize => Get(HostJson, "extensions", "eventHubs", "maxEventBatchSize")?.GetInt32() ?? 100;

    public TimeSpan MaxWaitTime => TimeSpan.TryParse(Get(HostJson, "extensions", "eventHubs", "maxWaitTime")?.GetString(), out var t) ? t : TimeSpan.FromSeconds(1);

    public static FunctionApp Load(string directory)
    {
        string hostPath = Path.Combine(directory, "host.json");
        if (!File.Exists(hostPath))
        {
            throw new FileNotFoundException($"No host.json in '{directory}'. Point --app at the built function app folder.", hostPath);
        }

        var host = JsonDocument.Parse(File.ReadAllText(hostPath)).RootElement.Clone();
        var functions = new List<FunctionDefinition>();
        foreach (string dir in System.IO.Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal))
        {
            string path = Path.Combine(dir, "function.json");
            if (!File.Exists(path))
            {
                continue;
            }

            var root = JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
            var bindings = root.GetProperty("bindings").EnumerateArray()
                .Select(b => new BindingDefinition(b.GetProperty("type").GetString()!, b.GetProperty("direction").GetString()!, b.GetProperty("name").GetString()!, b))
                .ToList();
            functions.Add(new FunctionDefinition(Path.GetFileName(dir), bindings, ReadRetry(root)));
        }

        return new FunctionApp(directory, host, functions);
    }

    private static RetryPolicy ReadRetry(JsonElement function)
    {
        if (!function.TryGetProperty("retry", out var r))
        {
            return RetryPolicy.None;
        }

        static TimeSpan Span(JsonElement r, string name) => r.TryGetProperty(name, out var v) && TimeSpan.TryParse(v.GetString(), out var t) ? t : TimeSpan.Zero;
        return new RetryPolicy(
            r.GetProperty("strategy").GetString()!,
            r.TryGetProperty("maxRetryCount", out var m) ? m.GetInt32() : 0,
            Span(r, "minimumInterval"),
            Span(r, "maximumInterval"),
            Span(r, "delayInterval"));
    }

    private static JsonElement? Get(JsonElement e, params string[] path)
    {
        foreach (string p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e))
            {
                return null;
            }
        }

        return e;
    }
}
