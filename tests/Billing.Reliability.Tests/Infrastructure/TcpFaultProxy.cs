using System.Net.Sockets;

namespace Billing.Reliability.Tests.Infrastructure;

/// <summary>
/// A loopback TCP proxy in front of the localnet, so a test can make the RPC unreachable and bring it back with the
/// chain state intact (LiteSVM keeps its state in memory, so stopping the localnet process would lose the chain).
/// <see cref="ProxyMode.CutAfterSend"/> forwards the first request that contains <c>sendTransaction</c> to the chain
/// but never returns its answer and then refuses everything: the transaction may have landed, the app cannot know.
/// </summary>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint target;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<TcpClient, byte> connections = new();
    private readonly Task acceptLoop;
    private volatile ProxyMode mode = ProxyMode.Open;
    private int sendsCut;

    public TcpFaultProxy(Uri upstream)
    {
        target = new IPEndPoint(IPAddress.Loopback, upstream.Port);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        acceptLoop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    public int SendsCut => Volatile.Read(ref sendsCut);

    public ProxyMode Mode
    {
        get => mode;
        set
        {
            mode = value;
            if (value == ProxyMode.Refuse)
            {
                DropAll();
            }
        }
    }

    private void DropAll()
    {
        foreach (var c in connections.Keys)
        {
            try
            {
                c.Client.LingerState = new LingerOption(true, 0); // RST, as a vanished peer
                c.Close();
            }
            catch (ObjectDisposedException)
            {
            }

            connections.TryRemove(c, out _);
        }
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (mode == ProxyMode.Refuse)
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Close();
                continue;
            }

            _ = Task.Run(() => PipeAsync(client));
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        connections[client] = 0;
        connections[upstream] = 0;
        try
        {
            await upstream.ConnectAsync(target, stopping.Token);
            var responsesDropped = new StrongBox<bool>(false);
            var up = CopyAsync(client.GetStream(), upstream.GetStream(), inspect: true, responsesDropped);
            var down = CopyAsync(upstream.GetStream(), client.GetStream(), inspect: false, responsesDropped);
            await Task.WhenAny(up, down);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            connections.TryRemove(client, out _);
            connections.TryRemove(upstream, out _);
            client.Dispose();
        }
    }

    private async Task CopyAsync(NetworkStream from, NetworkStream to, bool inspect, StrongBox<bool> responsesDropped)
    {
        var buffer = new byte[16 * 1024];
        string tail = "";
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                int n = await from.ReadAsync(buffer, stopping.Token);
                if (n == 0)
                {
                    return;
                }

                if (inspect && mode == ProxyMode.CutAfterSend)
                {
                    string text = tail + Encoding.ASCII.GetString(buffer, 0, n);
                    if (text.Contains("\"sendTransaction\"", StringComparison.Ordinal))
                    {
                        responsesDropped.Value = true; // the chain gets it, the app never hears back
                        Interlocked.Increment(ref sendsCut);
                        await to.WriteAsync(buffer.AsMemory(0, n), stopping.Token);
                        await Task.Delay(300, stopping.Token); // let it reach the chain, then vanish
                        Mode = ProxyMode.Refuse;
                        return;
                    }

                    tail = text.Length > 64 ? text[^64..] : text;
                }

                if (!inspect && responsesDropped.Value)
                {
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, n), stopping.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        DropAll();
        try
        {
            await acceptLoop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }

        listener.Dispose();
        stopping.Dispose();
    }

    private sealed class StrongBox<T>(T value)
    {
        public T Value { get; set; } = value;
    }
}

public enum ProxyMode
{
    Open,
    Refuse,
    CutAfterSend,
}
