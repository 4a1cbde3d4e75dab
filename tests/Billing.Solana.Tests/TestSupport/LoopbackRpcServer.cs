using System.Collections.Concurrent;

namespace Billing.Solana.Tests.TestSupport;

public sealed record LoopbackResponse(int Status, string Body, TimeSpan Delay = default)
{
    public static LoopbackResponse Result(string resultJson) =>
        new(200, $$"""{"jsonrpc":"2.0","id":1,"result":{{resultJson}}}""");

    public static LoopbackResponse Error(long code, string message, string dataJson = "null") =>
        new(200, $$$"""{"jsonrpc":"2.0","id":1,"error":{"code":{{{code}}},"message":"{{{message}}}","data":{{{dataJson}}}}}""");
}

/// <summary>A real HTTP server on 127.0.0.1 with scripted JSON-RPC answers, counting requests per method.</summary>
/// <param name="handler">(method, params, zero-based call number for that method) → response.</param>
public sealed class LoopbackRpcServer(Func<string, JsonElement, int, LoopbackResponse> handler) : LoopbackHttpServer(concurrent: true)
{
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly ConcurrentQueue<string> _bodies = new();

    public IReadOnlyCollection<string> Bodies => _bodies;

    public int Count(string method) => _counts.GetValueOrDefault(method);

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            var body = await ReadBodyAsync(context.Request).ConfigureAwait(false);
            _bodies.Enqueue(body);
            using var document = JsonDocument.Parse(body);
            var method = document.RootElement.GetProperty("method").GetString()!;
            var call = _counts.AddOrUpdate(method, 1, (_, n) => n + 1) - 1;
            var response = handler(method, document.RootElement.GetProperty("params"), call);
            if (response.Delay > TimeSpan.Zero)
            {
                await Task.Delay(response.Delay).ConfigureAwait(false);
            }

            await WriteJsonAsync(context.Response, response.Status, response.Body).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client gave up (attempt timeout) before the delayed answer was written.
        }
    }
}
