using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Billing.Tests.Shared;

namespace Billing.Solana.Tests.TestSupport;

public sealed record LoopbackResponse(int Status, string Body, TimeSpan Delay = default)
{
    public static LoopbackResponse Result(string resultJson) =>
        new(200, $$"""{"jsonrpc":"2.0","id":1,"result":{{resultJson}}}""");

    public static LoopbackResponse Error(long code, string message, string dataJson = "null") =>
        new(200, $$$"""{"jsonrpc":"2.0","id":1,"error":{"code":{{{code}}},"message":"{{{message}}}","data":{{{dataJson}}}}}""");
}

/// <summary>A real HTTP server on 127.0.0.1 with scripted JSON-RPC answers, counting requests per method.</summary>
public sealed class LoopbackRpcServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<string, JsonElement, int, LoopbackResponse> _handler;
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly ConcurrentQueue<string> _bodies = new();
    private readonly Task _loop;

    /// <param name="handler">(method, params, zero-based call number for that method) → response.</param>
    public LoopbackRpcServer(Func<string, JsonElement, int, LoopbackResponse> handler)
    {
        _handler = handler;
        var port = FreePort.Find();
        Url = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri Url { get; }

    public IReadOnlyCollection<string> Bodies => _bodies;

    public int Count(string method) => _counts.GetValueOrDefault(method);

    public async ValueTask DisposeAsync()
    {
        _listener.Close();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync().ConfigureAwait(false);
            _bodies.Enqueue(body);
            using var document = JsonDocument.Parse(body);
            var method = document.RootElement.GetProperty("method").GetString()!;
            var call = _counts.AddOrUpdate(method, 1, (_, n) => n + 1) - 1;
            var response = _handler(method, document.RootElement.GetProperty("params"), call);
            if (response.Delay > TimeSpan.Zero)
            {
                await Task.Delay(response.Delay).ConfigureAwait(false);
            }

            var bytes = Encoding.UTF8.GetBytes(response.Body);
            context.Response.StatusCode = response.Status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client gave up (attempt timeout) before the delayed answer was written.
        }
    }
}
