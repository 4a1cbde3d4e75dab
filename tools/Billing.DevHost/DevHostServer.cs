using System.Net;
using System.Text.RegularExpressions;

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
    private readonly CheckpointStore checkpoints;
    private WebApplication? web;
    private HandlerSupervisor? supervisor;
    private int handlerPort;
    private readonly InFlightCounter inFlight = new();
    private HandlerInvoker? invoker;

    public DevHostServer(DevHostOptions options)
    {
        this.options = options;
        app = FunctionApp.Load(options.AppDirectory);
        if (options.DataDirectory is { } data)
        {
            Directory.CreateDirectory(data);
        }

        checkpoints = new CheckpointStore(options.DataDirectory is null ? null : Path.Combine(options.DataDirectory, "checkpoints.json"));

        Broker = new EventHubBroker(options.Partitions, TimeProvider.System, options.DataDirectory is null ? null : Path.Combine(options.DataDirectory, "hubs"));
    }

    public EventHubBroker Broker { get; }

    /// <summary>The app setting that points the handler's usage publisher at this host's hubs (see <see cref="HubPublishEndpoint"/>).</summary>
    public const string DevHostEndpointSetting = "Billing:Publishing:DevHostEndpoint";

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1:7071/");

    public FunctionApp App => app;

    /// <summary>Where the custom handler listens (for tests that speak the host protocol directly).</summary>
    public Uri HandlerAddress => new($"http://127.0.0.1:{handlerPort}/");

    public long FailedInvocations => invoker?.FailedInvocations ?? 0;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        handlerPort = options.HandlerPort == 0 ? HandlerProcess.FreePort() : options.HandlerPort;
        int port = options.Port == 0 ? HandlerProcess.FreePort() : options.Port;

        // The app publishes accepted usage to this host's hubs (they stand in for Event Hubs), so it needs our address.
        var settings = new Dictionary<string, string>(options.Settings, StringComparer.OrdinalIgnoreCase)
        {
            [DevHostEndpointSetting] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/",
        };
        supervisor = new HandlerSupervisor(app, handlerPort, settings, options.RestartBackoff, TimeProvider.System, options.Log);
        await supervisor.StartAsync(cancellationToken).ConfigureAwait(false);
        invoker = new HandlerInvoker(handlerPort, Broker, Resolve, options.Log);
        var triggers = new TriggerLoops(app, options, supervisor, invoker, checkpoints, inFlight, Resolve);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
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
                        loops.Add(Task.Run(() => triggers.ConsumeAsync(function, hub, partition, stopping.Token), CancellationToken.None));
                    }

                    break;
                case "timerTrigger" when options.RunTimers:
                    var schedule = triggers.ParseSchedule(function); // fail start-up, not a background loop, on a bad schedule
                    loops.Add(Task.Run(() => triggers.TimerAsync(function, schedule, stopping.Token), CancellationToken.None));
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

    private HandlerInvoker Invoker => invoker ?? throw new InvalidOperationException("The DevHost has not been started.");

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
        if (inFlight.Count > 0)
        {
            return false;
        }

        foreach (var function in app.Functions.Where(f => f.Trigger.Type == "eventHubTrigger"))
        {
            var hub = Broker.GetHub(Resolve(function.Trigger.Setting("eventHubName"))!);
            foreach (var p in hub.Partitions)
            {
                if (checkpoints.Get(function, p) < p.Count)
                {
                    return false;
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
                foreach (var f in app.Functions.Where(f => f.Trigger.Type == "eventHubTrigger" && string.Equals(Resolve(f.Trigger.Setting("eventHubName")), hub.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    cps[f.Name] = checkpoints.Get(f, p);
                }

                parts.Add(new JsonObject { ["id"] = p.Id, ["events"] = p.Count, ["checkpoints"] = cps });
            }

            hubs.Add(new JsonObject { ["name"] = hub.Name, ["partitions"] = parts });
        }

        return new JsonObject
        {
            ["hubs"] = hubs,
            ["inFlight"] = inFlight.Count,
            ["invocations"] = invoker?.Invocations ?? 0,
            ["failedInvocations"] = FailedInvocations,
            ["idle"] = IsIdle(),
            ["handler"] = supervisor?.Status(),
        };
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
            .Select(f => (Function: f, Params: RouteTemplate.Match(f.Trigger.Setting("route") ?? f.Name, route)))
            .Where(x => x.Params is not null)
            .ToList();
        var function = match.FirstOrDefault(x => x.Function.Trigger.Methods.Count == 0 || x.Function.Trigger.Methods.Contains(context.Request.Method)).Function;
        if (function is null)
        {
            context.Response.StatusCode = match.Count > 0 ? 405 : 404;
            return;
        }

        inFlight.Enter();
        try
        {
            if (!await Supervisor.WaitReadyAsync(options.UnavailableWait, context.RequestAborted).ConfigureAwait(false))
            {
                await WriteUnavailableAsync(context).ConfigureAwait(false);
                return;
            }

            if (app.ForwardHttpRequests && function.IsPlainHttp)
            {
                await Invoker.ForwardAsync(context).ConfigureAwait(false);
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
            inFlight.Leave();
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

        var hubRoute = Regex.Match(path, "^/admin/devhost/eventhubs/([^/]+)$");
        if (hubRoute.Success && context.Request.Method == "POST")
        {
            await HubPublishEndpoint.PublishAsync(context, app, Broker, Resolve, Uri.UnescapeDataString(hubRoute.Groups[1].Value)).ConfigureAwait(false);
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

            var payload = function.Trigger.Type == "timerTrigger" ? HostPayloads.Timer(function, isPastDue: false) : new JsonObject { ["Data"] = new JsonObject(), ["Metadata"] = new JsonObject() };
            var (outcome, _) = await Invoker.InvokeAsync(function, payload, context.RequestAborted).ConfigureAwait(false);
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

    private async Task InvokeHttpFunctionAsync(HttpContext context, FunctionDefinition function, Dictionary<string, string> routeParams)
    {
        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        string url = $"{BaseAddress.ToString().TrimEnd('/')}{context.Request.Path}{context.Request.QueryString}";
        var payload = HostPayloads.Http(function, context.Request, url, body, routeParams);
        var (outcome, outputs) = await Invoker.InvokeAsync(function, payload, context.RequestAborted).ConfigureAwait(false);
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

    /// <summary>The payload the real host sends for an eventHubTrigger (see <see cref="HostPayloads.EventHub"/>).</summary>
    public JsonObject EventHubPayload(FunctionDefinition function, EventHubBroker.Hub hub, EventHubBroker.Partition partition, string consumerGroup, IReadOnlyList<HubEvent> batch, bool many) =>
        HostPayloads.EventHub(function, hub, partition, consumerGroup, batch, many);

    /// <summary>A %Setting% binding expression as the host resolves it: <c>%A:B%</c> reads the app setting <c>A__B</c>; <c>%A__B%</c> resolves nothing there, so it is refused.</summary>
    private string? Resolve(string? value)
    {
        if (value is { Length: > 2 } && value[0] == '%' && value[^1] == '%')
        {
            string name = value[1..^1];
            string setting = name.Contains("__", StringComparison.Ordinal)
                ? throw new InvalidOperationException($"%{name}%: the Functions host does not resolve '__' in a binding expression; write %{name.Replace("__", ":", StringComparison.Ordinal)}%")
                : name.Replace(":", "__", StringComparison.Ordinal);
            return options.Settings.TryGetValue(setting, out var v) ? v : Environment.GetEnvironmentVariable(setting)
                ?? throw new InvalidOperationException($"app setting '{setting}' (used as %{name}%) is not defined");
        }

        return value;
    }

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

        invoker?.Dispose();
        stopping.Dispose();
        Broker.Dispose();
    }
}
