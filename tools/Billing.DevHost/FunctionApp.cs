namespace Billing.DevHost;

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
