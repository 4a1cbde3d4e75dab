using System.Diagnostics;
using System.Net.Sockets;

namespace Billing.DevHost;

/// <summary>The custom handler child process, started the way the Functions host starts it: with FUNCTIONS_CUSTOMHANDLER_PORT set.</summary>
public sealed class HandlerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly Action<string> log;
    private int disposed;

    private HandlerProcess(Process process, int port, Action<string> log)
    {
        this.process = process;
        this.log = log;
        Port = port;
    }

    public int Port { get; }

    public bool HasExited => process.HasExited;

    /// <summary>The operating-system process id (for logs and the status endpoint).</summary>
    public int ProcessId { get; private init; }

    public static async Task<HandlerProcess> StartAsync(FunctionApp app, int port, IReadOnlyDictionary<string, string> settings, Action<string> log, CancellationToken cancellationToken)
    {
        string exe = app.ExecutablePath;
        var psi = File.Exists(exe)
            ? new ProcessStartInfo(exe)
            : File.Exists(exe + ".dll") ? new ProcessStartInfo("dotnet", [exe + ".dll"]) : throw new FileNotFoundException($"Custom handler '{exe}' not found; build the function app first.");
        psi.WorkingDirectory = app.Directory;
        psi.UseShellExecute = false;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        foreach (var (k, v) in settings)
        {
            psi.Environment[k.Replace(":", "__", StringComparison.Ordinal)] = v;
        }

        psi.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment.Remove("ASPNETCORE_URLS");

        var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start '{exe}'.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { log(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var handler = new HandlerProcess(process, port, log) { ProcessId = process.Id };
        try
        {
            await handler.WaitUntilListeningAsync(cancellationToken).ConfigureAwait(false);
            return handler;
        }
        catch
        {
            // Whatever stopped the start (exit, timeout, shutdown), no half-started handler is left behind.
            await handler.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90); // start-up waits for storage; wall clock is fine in a dev tool
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The custom handler exited during start-up with code {process.ExitCode}; see its log above.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                throw new TimeoutException($"The custom handler did not listen on port {Port} within 90 s.");
            }
        }
    }

    /// <summary>Completes when the process has exited (crash, kill, or a clean stop).</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => process.WaitForExitAsync(cancellationToken);

    /// <summary>The exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => process.ExitCode;

    /// <summary>Stops the handler abruptly, as a crash or a scale-in would.</summary>
    public void Kill()
    {
        try
        {
            if (Volatile.Read(ref disposed) == 0 && !process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited or disposed meanwhile: nothing left to kill.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync().ConfigureAwait(false);
        process.Dispose();
        log("custom handler stopped");
    }

    public static int FreePort()
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
