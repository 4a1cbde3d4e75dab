using System.Net;
using System.Text;

namespace Billing.Tests.Shared;

/// <summary>
/// A real HTTP server on 127.0.0.1 (a free port) standing in for a remote service the tests cannot reach; subclasses
/// answer the requests. Requests are served one at a time, or each on its own task when <c>concurrent</c> (for
/// answers that are delayed on purpose).
/// </summary>
public abstract class LoopbackHttpServer : IAsyncDisposable
{
    private const int BindAttempts = 5;
    private readonly HttpListener listener;
    private readonly Task loop;

    protected LoopbackHttpServer(bool concurrent)
    {
        (listener, Url) = Bind();
        loop = Task.Run(() => AcceptAsync(concurrent));
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; }

    public async ValueTask DisposeAsync()
    {
        listener.Close();
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // The accept loop ends by throwing once the listener is closed.
        }

        GC.SuppressFinalize(this);
    }

    protected abstract Task HandleAsync(HttpListenerContext context);

    protected static async Task<string> ReadBodyAsync(HttpListenerRequest request)
    {
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        return await reader.ReadToEndAsync().ConfigureAwait(false);
    }

    protected static async Task WriteJsonAsync(HttpListenerResponse response, int status, string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        response.Close();
    }

    private static (HttpListener Listener, Uri Url) Bind()
    {
        // The free port can be taken by another process before HttpListener binds it; then try another.
        for (int attempt = 1; ; attempt++)
        {
            var url = new Uri($"http://127.0.0.1:{FreePort.Find()}/");
            var candidate = new HttpListener();
            candidate.Prefixes.Add(url.ToString());
            try
            {
                candidate.Start();
                return (candidate, url);
            }
            catch (HttpListenerException) when (attempt < BindAttempts)
            {
                candidate.Close();
            }
        }
    }

    private async Task AcceptAsync(bool concurrent)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            if (concurrent)
            {
                _ = Task.Run(() => HandleAsync(context));
            }
            else
            {
                await HandleAsync(context).ConfigureAwait(false);
            }
        }
    }
}
