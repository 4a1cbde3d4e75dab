namespace Billing.DevHost;

/// <summary>Talks to the custom handler: posts invocations (applying their event hub outputs) and forwards plain HTTP requests.</summary>
public sealed class HandlerInvoker(int port, EventHubBroker broker, Func<string?, string?> resolve, Action<string> log) : IDisposable
{
    // Redirects go back to the caller as the handler answered them, as the Functions host passes them on.
    private readonly HttpClient client = new(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromMinutes(10) };
    private long invocations;
    private long failedInvocations;

    public long Invocations => Interlocked.Read(ref invocations);

    public long FailedInvocations => Interlocked.Read(ref failedInvocations);

    /// <summary>Posts an invocation to the handler and applies output bindings (event hub outputs are published before this returns).</summary>
    public async Task<(InvocationOutcome Outcome, JsonObject? Outputs)> InvokeAsync(FunctionDefinition function, JsonObject payload, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref invocations);
        try
        {
            using var content = new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await client.PostAsync($"http://127.0.0.1:{port}/{function.Name}", content, cancellationToken).ConfigureAwait(false);
            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref failedInvocations);
                log($"devhost: {function.Name} returned {(int)response.StatusCode}: {Truncate(text)}");
                return (InvocationOutcome.Failed, null);
            }

            var root = JsonNode.Parse(text) as JsonObject;
            var outputs = root?["Outputs"] as JsonObject ?? [];
            if (root?["Logs"] is JsonArray logs)
            {
                foreach (var line in logs)
                {
                    log($"{function.Name}: {line}");
                }
            }

            foreach (var binding in function.Outputs.Where(o => o.Type == "eventHub"))
            {
                if (outputs[binding.Name] is { } value)
                {
                    broker.GetHub(resolve(binding.Setting("eventHubName"))!).Publish(HostPayloads.OutputMessages(value));
                }
            }

            return (InvocationOutcome.Succeeded, outputs);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref failedInvocations);
            log($"devhost: {function.Name} invocation failed: {ex.Message}");
            return (ex is HttpRequestException ? InvocationOutcome.Unreachable : InvocationOutcome.Failed, null);
        }
    }

    /// <summary>Forwards a plain HTTP request to the handler as is and copies its answer back (enableForwardingHttpRequest).</summary>
    public async Task ForwardAsync(HttpContext context)
    {
        // The target as the client sent it: the decoded path would say "%2F" for both an encoded '/' and an encoded "%2F".
        string target = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget is ['/', ..] raw
            ? raw
            : $"{context.Request.Path}{context.Request.QueryString}";
        var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), $"http://127.0.0.1:{port}{target}");
        // An empty body keeps its Content-Type (as the host forwards it): the handler tells an empty JSON body from none.
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0 || context.Request.ContentType is not null)
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

        using var response = await client.SendAsync(request, context.RequestAborted).ConfigureAwait(false);
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

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300] + "…";

    public void Dispose() => client.Dispose();
}
