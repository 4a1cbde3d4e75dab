using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NCrontab;

namespace Billing.DevHost;

/// <summary>
/// A small, honest stand-in for the Azure Functions host, for machines without Core Tools: it speaks the custom
/// handler protocol (HTTP forwarding or invocation payloads), runs Event Hubs triggers over in-process hubs with the
/// real payload shape and checkpoint-after-every-invocation semantics, applies function.json retry policies, and runs
/// timer triggers on their NCRONTAB schedules. A <see cref="HandlerSupervisor"/> restarts a handler that exits; while it
/// is down, HTTP requests get 503 and Event Hubs partitions pause at their checkpoint and resume once it is back.
/// </summary>
public sealed class DevHostServer : IAsyncDisposable
{
    private readonly DevHostOptions options;
    private readonly FunctionApp app;
    private readonly CancellationTokenSource stopping = new();
    private readonly List<Task> loops = [];
    private readonly HttpClient handlerClient = new() { Timeout = TimeSpan.FromMinutes(10) };
    private readonly Dictionary<string, long> checkpoints = [];
    private readonly string? checkpointFile;
    private WebApplication? web;
    private HandlerSupervisor? supervisor;
    private int handlerPort;
    private int inFlight;
    private long invocations;
    private long failedInvocations;

    public DevHostServer(DevHostOptions options)
    {
        this.options = options;
        app = FunctionApp.Load(options.AppDirectory);
        if (options.DataDirectory is { } data)
        {
            Directory.CreateDirectory(data);
            checkpointFile = Path.Combine(data, "checkpoints.json");
            checkpoints = LoadCheckpoints(checkpointFile);
        }

        Broker = new EventHubBroker(options.Partitions, TimeProvider.System, options.DataDirectory is null ? null : Path.Combine(options.DataDirectory, "hubs"));
    }

    public EventHubBroker Broker { get; }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1:7071/");

    public FunctionApp App => app;

    /// <summary>Where the custom handler listens (for tests that speak the host protocol directly).</summary>
    public Uri HandlerAddress => new($"http://127.0.0.1:{handlerPort}/");

    public long FailedInvocations => Interlocked.Read(ref failedInvocations);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        handlerPort = options.HandlerPort == 0 ? HandlerProcess.FreePort() : options.HandlerPort;
        supervisor = new HandlerSupervisor(app, handlerPort, options.Settings, options.RestartBackoff, TimeProvider.System, options.Log);
        await supervisor.StartAsync(cancellationToken).ConfigureAwait(false);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port);
            k.Limits.MaxRequestBodySize = 4 * 1024 * 1024;
        });
        web = builder.Build();
        web.Map("/{**path}", HandleHttpAsync);
        await web.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = web.Urls.First();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");

        foreach (var function in app.Functions)
        {
            switch (function.Trigger.Type)
            {
                case "eventHubTrigger":
                    var hub = Broker.GetHub(Resolve(function.Trigger.Setting("eventHubName"))!);
                    foreach (var partition in hub.Partitions)
                    {
                        loops.Add(Task.Run(() => ConsumeAsync(function, hub, partition, stopping.Token), CancellationToken.None));
                    }

                    break;
                case "timerTrigger" when options.RunTimers:
                    var schedule = ParseSchedule(function); // fail start-up, not a background loop, on a bad schedule
                    loops.Add(Task.Run(() => TimerAsync(function, schedule, stopping.Token), CancellationToken.None));
                    break;
            }
        }

        options.Log($"devhost: {app.Functions.Count} functions, listening on {BaseAddress} (handler on port {handlerPort})");
        foreach (var f in app.Functions)
        {
            options.Log($"devhost:   {f.Name} [{f.Trigger.Type}{(f.Trigger.Type == "httpTrigger" ? " " + string.Join(",", f.Trigger.Methods) + " /" + app.RoutePrefix + "/" + f.Trigger.Setting("route") : "")}]");
        }
    }

    private HandlerSupervisor Supervisor => supervisor ?? throw new InvalidOperationException("The DevHost has not been started.");

    /// <summary>Kills the handler mid-flight, as a crash would; in-flight invocations fail and are retried per policy, and the supervisor restarts it.</summary>
    public void KillHandler() => supervisor?.Kill();

    /// <summary>Waits until the handler is up (after a crash, the supervisor's restart); false if <paramref name="timeout"/> passes first.</summary>
    public Task<bool> WaitForHandlerAsync(TimeSpan timeout, CancellationToken cancellationToken) => Supervisor.WaitReadyAsync(timeout, cancellationToken);

    /// <summary>Waits until every hub partition has been consumed up to its end and nothing is in flight.</summary>
    public async Task WaitForIdleAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!IsIdle())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"event hubs not drained within {timeout}: {JsonSerializer.Serialize(Status())}");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private bool IsIdle()
    {
        if (Volatile.Read(ref inFlight) > 0)
        {
            return false;
        }

        foreach (var function in app.Functions.Where(f => f.Trigger.Type == "eventHubTrigger"))
        {
            var hub = Broker.GetHub(Resolve(function.Trigger.Setting("eventHubName"))!);
            foreach (var p in hub.Partitions)
            {
                lock (checkpoints)
                {
                    if (checkpoints.GetValueOrDefault(CheckpointKey(function, p)) < p.Count)
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    public JsonObject Status()
    {
        var hubs = new JsonArray();
        foreach (var hub in Broker.Hubs)
        {
            var parts = new JsonArray();
            foreach (var p in hub.Partitions)
            {
                var cps = new JsonObject();
                lock (checkpoints)
                {
                    foreach (var f in app.Functions.Where(f => f.Trigger.Type == "eventHubTrigger" && string.Equals(Resolve(f.Trigger.Setting("eventHubName")), hub.Name, StringComparison.OrdinalIgnoreCase)))
                    {
                        cps[f.Name] = checkpoints.GetValueOrDefault(CheckpointKey(f, p));
                    }
                }

                parts.Add(new JsonObject { ["id"] = p.Id, ["events"] = p.Count, ["checkpoints"] = cps });
            }

            hubs.Add(new JsonObject { ["name"] = hub.Name, ["partitions"] = parts });
        }

        return new JsonObject
        {
            ["hubs"] = hubs,
            ["inFlight"] = Volatile.Read(ref inFlight),
            ["invocations"] = Interlocked.Read(ref invocations),
            ["failedInvocations"] = Interlocked.Read(ref failedInvocations),
            ["idle"] = IsIdle(),
            ["handler"] = supervisor?.Status(),
        };
    }

    private string CheckpointKey(FunctionDefinition f, EventHubBroker.Partition p) => f.Name + "/" + p.Id;

    private static Dictionary<string, long> LoadCheckpoints(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, long>>(File.ReadAllText(path)) ?? [];
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"'{path}' is not a DevHost checkpoint file ({ex.Message}); delete it to redeliver every event from the start (metering counts repeats once).", ex);
        }
    }

    /// <summary>Writes the checkpoints (caller holds the lock): a new file moved over the old, so a crash leaves one or the other whole.</summary>
    private void SaveCheckpoints()
    {
        if (checkpointFile is null)
        {
            return;
        }

        string temporary = checkpointFile + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(checkpoints));
        File.Move(temporary, checkpointFile, overwrite: true);
    }

    private async Task HandleHttpAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? "/";
        if (path.StartsWith("/admin/", StringComparison.Ordinal))
        {
            await HandleAdminAsync(context, path).ConfigureAwait(false);
            return;
        }

        string prefix = "/" + app.RoutePrefix + "/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            context.Response.StatusCode = 404;
            return;
        }

        string route = path[prefix.Length..];
        var match = app.Functions
            .Where(f => f.Trigger.Type == "httpTrigger")
            .Select(f => (Function: f, Params: MatchRoute(f.Trigger.Setting("route") ?? f.Name, route)))
            .Where(x => x.Params is not null)
            .ToList();
        var function = match.FirstOrDefault(x => x.Function.Trigger.Methods.Count == 0 || x.Function.Trigger.Methods.Contains(context.Request.Method)).Function;
        if (function is null)
        {
            context.Response.StatusCode = match.Count > 0 ? 405 : 404;
            return;
        }

        Interlocked.Increment(ref inFlight);
        try
        {
            if (!await Supervisor.WaitReadyAsync(options.UnavailableWait, context.RequestAborted).ConfigureAwait(false))
            {
                await WriteUnavailableAsync(context).ConfigureAwait(false);
                return;
            }

            if (app.ForwardHttpRequests && function.IsPlainHttp)
            {
                await ForwardAsync(context).ConfigureAwait(false);
            }
            else
            {
                await InvokeHttpFunctionAsync(context, function, match.First(x => x.Function == function).Params!).ConfigureAwait(false);
            }
        }
        catch (HttpRequestException ex) when (!context.Response.HasStarted)
        {
            // The handler went away mid-request (crash): nothing was published, so the caller may simply retry.
            options.Log($"devhost: {function.Name} failed: {ex.Message}");
            await WriteUnavailableAsync(context).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    /// <summary>503 with Retry-After while no handler is up, as a host answers while its worker restarts: never a hang, never a 500.</summary>
    private static async Task WriteUnavailableAsync(HttpContext context)
    {
        context.Response.StatusCode = 503;
        context.Response.Headers.RetryAfter = "1";
        context.Response.ContentType = "application/problem+json";
        var problem = new JsonObject
        {
            ["type"] = "https://depin-billing.dev/problems/503",
            ["title"] = "Service unavailable",
            ["status"] = 503,
            ["detail"] = "The function app is restarting; retry shortly. Nothing from this request was accepted.",
        };
        await context.Response.WriteAsync(problem.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    private async Task HandleAdminAsync(HttpContext context, string path)
    {
        if (path == "/admin/devhost/status")
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Status().ToJsonString(), context.RequestAborted).ConfigureAwait(false);
            return;
        }

        // As the real host: POST /admin/functions/{name} runs a non-HTTP function now (timers, for operators and tests).
        var m = Regex.Match(path, "^/admin/functions/([^/]+)$");
        if (m.Success && context.Request.Method == "POST" && app.Functions.FirstOrDefault(f => f.Name == m.Groups[1].Value) is { } function)
        {
            if (!await Supervisor.WaitReadyAsync(options.UnavailableWait, context.RequestAborted).ConfigureAwait(false))
            {
                await WriteUnavailableAsync(context).ConfigureAwait(false);
                return;
            }

            var payload = function.Trigger.Type == "timerTrigger" ? TimerPayload(function, isPastDue: false) : new JsonObject { ["Data"] = new JsonObject(), ["Metadata"] = new JsonObject() };
            var (outcome, _) = await InvokeAsync(function, payload, context.RequestAborted).ConfigureAwait(false);
            if (outcome == InvocationOutcome.Unreachable)
            {
                await WriteUnavailableAsync(context).ConfigureAwait(false);
                return;
            }

            context.Response.StatusCode = outcome == InvocationOutcome.Succeeded ? 202 : 500;
            return;
        }

        context.Response.StatusCode = 404;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), $"http://127.0.0.1:{handlerPort}{context.Request.Path}{context.Request.QueryString}");
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            request.Content = new ByteArrayContent(buffer.ToArray());
        }

        foreach (var (name, value) in context.Request.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value.ToArray()))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, value.ToArray());
            }
        }

        using var response = await handlerClient.SendAsync(request, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!string.Equals(name, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task InvokeHttpFunctionAsync(HttpContext context, FunctionDefinition function, Dictionary<string, string> routeParams)
    {
        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        var headers = new JsonObject();
        foreach (var (name, values) in context.Request.Headers)
        {
            headers[name] = new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }

        var query = new JsonObject();
        foreach (var (name, values) in context.Request.Query)
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
            ["Url"] = $"{BaseAddress.ToString().TrimEnd('/')}{context.Request.Path}{context.Request.QueryString}",
            ["Method"] = context.Request.Method,
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

        var payload = new JsonObject { ["Data"] = new JsonObject { [function.Trigger.Name] = req }, ["Metadata"] = metadata };
        var (outcome, outputs) = await InvokeAsync(function, payload, context.RequestAborted).ConfigureAwait(false);
        if (outcome == InvocationOutcome.Unreachable)
        {
            await WriteUnavailableAsync(context).ConfigureAwait(false);
            return;
        }

        if (outcome != InvocationOutcome.Succeeded || outputs is null)
        {
            context.Response.StatusCode = 500;
            return;
        }

        var res = function.Outputs.FirstOrDefault(o => o.Type == "http") is { } http ? outputs[http.Name] : null;
        if (res is JsonObject r)
        {
            context.Response.StatusCode = r["statusCode"] is { } sc && int.TryParse(sc.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int code) ? code : 200;
            if (r["headers"] is JsonObject h)
            {
                foreach (var (k, v) in h)
                {
                    context.Response.Headers[k] = v?.ToString();
                }
            }

            string text = r["body"] switch
            {
                null => "",
                JsonValue v when v.TryGetValue(out string? s) => s,
                var other => other.ToJsonString(),
            };
            await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = 204;
        }
    }

    /// <summary>Posts an invocation to the handler and applies output bindings (event hub outputs are published before this returns).</summary>
    private async Task<(InvocationOutcome Outcome, JsonObject? Outputs)> InvokeAsync(FunctionDefinition function, JsonObject payload, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref invocations);
        try
        {
            using var content = new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await handlerClient.PostAsync($"http://127.0.0.1:{handlerPort}/{function.Name}", content, cancellationToken).ConfigureAwait(false);
            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref failedInvocations);
                options.Log($"devhost: {function.Name} returned {(int)response.StatusCode}: {Truncate(text)}");
                return (InvocationOutcome.Failed, null);
            }

            var root = JsonNode.Parse(text) as JsonObject;
            var outputs = root?["Outputs"] as JsonObject ?? [];
            if (root?["Logs"] is JsonArray logs)
            {
                foreach (var line in logs)
                {
                    options.Log($"{function.Name}: {line}");
                }
            }

            foreach (var binding in function.Outputs.Where(o => o.Type == "eventHub"))
            {
                if (outputs[binding.Name] is { } value)
                {
                    Broker.GetHub(Resolve(binding.Setting("eventHubName"))!).Publish(Messages(value));
                }
            }

            return (InvocationOutcome.Succeeded, outputs);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref failedInvocations);
            options.Log($"devhost: {function.Name} invocation failed: {ex.Message}");
            return (ex is HttpRequestException ? InvocationOutcome.Unreachable : InvocationOutcome.Failed, null);
        }
    }

    /// <summary>Output binding value → messages: an array gives one message per item; a bare string is base64, as the host decodes it.</summary>
    private static IEnumerable<string> Messages(JsonNode value) => value switch
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

    private async Task ConsumeAsync(FunctionDefinition function, EventHubBroker.Hub hub, EventHubBroker.Partition partition, CancellationToken cancellationToken)
    {
        string key = CheckpointKey(function, partition);
        string consumerGroup = Resolve(function.Trigger.Setting("consumerGroup")) ?? "$Default";
        bool many = !string.Equals(function.Trigger.Setting("cardinality"), "one", StringComparison.OrdinalIgnoreCase);
        while (!cancellationToken.IsCancellationRequested)
        {
            long from;
            lock (checkpoints)
            {
                from = checkpoints.GetValueOrDefault(key);
            }

            var batch = partition.Read(from, many ? app.MaxEventBatchSize : 1);
            if (batch.Count == 0)
            {
                try
                {
                    await partition.WaitAsync(app.MaxWaitTime, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            Interlocked.Increment(ref inFlight);
            try
            {
                var payload = EventHubPayload(function, hub, partition, consumerGroup, batch, many);
                for (int attempt = 0; ; attempt++)
                {
                    // While the handler is down the partition waits at its checkpoint (no attempt is spent on a dead handler).
                    await Supervisor.WaitReadyAsync(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
                    var (outcome, _) = await InvokeAsync(function, payload, cancellationToken).ConfigureAwait(false);
                    if (outcome == InvocationOutcome.Succeeded || cancellationToken.IsCancellationRequested)
                    {
                        break;
                    }

                    if (!function.Retry.RetriesForever && attempt >= function.Retry.MaxRetryCount)
                    {
                        options.Log($"devhost: {function.Name} partition {partition.Id}: giving up after {attempt + 1} attempt(s); checkpointing past {batch.Count} event(s) as the host does");
                        break;
                    }

                    var delay = function.Retry.Delay(attempt);
                    options.Log($"devhost: {function.Name} partition {partition.Id}: retry {attempt + 1} in {delay.TotalSeconds:0.#} s");
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    return; // shutting down: the batch was not processed, so it is not checkpointed
                }

                // Checkpoint after the invocation whatever its outcome, like the Event Hubs extension.
                lock (checkpoints)
                {
                    checkpoints[key] = batch[^1].SequenceNumber + 1;
                    SaveCheckpoints();
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex)
            {
                // Never let a partition's reader die: log, pause, and read the same (uncheckpointed) batch again.
                options.Log($"devhost: {function.Name} partition {partition.Id}: unexpected error ({ex.GetType().Name}: {ex.Message}); retrying the batch");
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }
    }

    /// <summary>The payload the real host sends for an eventHubTrigger with dataType string: Data and Metadata values JSON-encoded a second time.</summary>
    public JsonObject EventHubPayload(FunctionDefinition function, EventHubBroker.Hub hub, EventHubBroker.Partition partition, string consumerGroup, IReadOnlyList<HubEvent> batch, bool many)
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

    private CrontabSchedule ParseSchedule(FunctionDefinition function)
    {
        string expression = Resolve(function.Trigger.Setting("schedule")) ?? throw new InvalidOperationException($"{function.Name}: timerTrigger has no schedule");
        return CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 })
            ?? throw new InvalidOperationException($"{function.Name}: '{expression}' is not an NCRONTAB schedule ({{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}})");
    }

    private async Task TimerAsync(FunctionDefinition function, CrontabSchedule schedule, CancellationToken cancellationToken)
    {
        if (string.Equals(function.Trigger.Setting("runOnStartup"), "true", StringComparison.OrdinalIgnoreCase))
        {
            await InvokeAsync(function, TimerPayload(function, false), cancellationToken).ConfigureAwait(false); // the first handler is up: StartAsync waited
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var now = DateTime.UtcNow;
            var next = schedule.GetNextOccurrence(now);
            try
            {
                await Task.Delay(next - now, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Interlocked.Increment(ref inFlight);
            try
            {
                if (!await Supervisor.WaitReadyAsync(options.UnavailableWait, cancellationToken).ConfigureAwait(false))
                {
                    options.Log($"devhost: {function.Name}: occurrence skipped, the custom handler is restarting");
                    continue;
                }

                await InvokeAsync(function, TimerPayload(function, isPastDue: DateTime.UtcNow - next > TimeSpan.FromSeconds(30)), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }
    }

    private JsonObject TimerPayload(FunctionDefinition function, bool isPastDue)
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

    private static JsonObject Sys(FunctionDefinition function) => new()
    {
        ["MethodName"] = function.Name,
        ["UtcNow"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        ["RandGuid"] = Guid.NewGuid().ToString(),
    };

    /// <summary>Resolves a %Setting% binding expression from the app settings.</summary>
    private string? Resolve(string? value)
    {
        if (value is { Length: > 2 } && value[0] == '%' && value[^1] == '%')
        {
            string name = value[1..^1];
            return options.Settings.TryGetValue(name, out var v) ? v : Environment.GetEnvironmentVariable(name)
                ?? throw new InvalidOperationException($"app setting '{name}' (used as %{name}%) is not defined");
        }

        return value;
    }

    private static Dictionary<string, string>? MatchRoute(string template, string path)
    {
        var t = template.Trim('/').Split('/');
        var p = path.Trim('/').Split('/');
        if (t.Length != p.Length)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i].StartsWith('{') && t[i].EndsWith('}'))
            {
                values[t[i][1..^1].Split(':')[0].TrimEnd('?')] = Uri.UnescapeDataString(p[i]);
            }
            else if (!string.Equals(t[i], p[i], StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        return values;
    }

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300] + "…";

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        if (web is not null)
        {
            await web.StopAsync().ConfigureAwait(false);
            await web.DisposeAsync().ConfigureAwait(false);
        }

        if (supervisor is not null)
        {
            await supervisor.DisposeAsync().ConfigureAwait(false);
        }

        handlerClient.Dispose();
        stopping.Dispose();
        Broker.Dispose();
    }
}
