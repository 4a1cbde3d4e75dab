namespace Billing.Benchmarks.Harness;

/// <summary>
/// The emulators the benchmarks need, started by the harness itself (./run bench does not start them): Azurite (tables,
/// in memory) on a free port and the LiteSVM localnet on a port of its choosing. Both are stopped on dispose, by the
/// process handles this class started — nothing else is touched. The shared test fixtures are then pointed at them
/// through the same environment variables ./run test uses (set in this process only).
/// </summary>
public sealed class Services : IAsyncDisposable
{
    private readonly List<Process> processes = [];
    private readonly Action<string> log;
    private readonly string root = RepositoryRoot.Path;

    public Services(Action<string> log)
    {
        this.log = log;
    }

    public string? StorageConnectionString { get; private set; }

    private Process? azuriteProcess;

    /// <summary>CPU time Azurite has used so far (zero before it started): what a benchmark step cost the storage, whatever else the machine runs.</summary>
    public TimeSpan StorageCpu()
    {
        if (azuriteProcess is null || azuriteProcess.HasExited)
        {
            return TimeSpan.Zero;
        }

        azuriteProcess.Refresh();
        return azuriteProcess.TotalProcessorTime;
    }

    public Uri? LocalnetUrl { get; private set; }

    public string? LocalnetInfoFile { get; private set; }

    public async Task StartAzuriteAsync(CancellationToken cancellationToken)
    {
        string azurite = Path.Combine(root, "node_modules", ".bin", "azurite-table");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException("Azurite is not installed: run `npm ci` in the repository root (./run bench does it).");
        }

        int port = FreePort.Find();
        var start = new ProcessStartInfo(azurite)
        {
            WorkingDirectory = Path.GetTempPath(), // Azurite writes debug/log files into its working directory
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--inMemoryPersistence", "--disableTelemetry", "--tableHost", "127.0.0.1", "--tablePort", port.ToString(CultureInfo.InvariantCulture), "--skipApiVersionCheck" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Launch(start, "azurite", null);
        azuriteProcess = process;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await AzuriteFixture.WaitForPortAsync(port, TimeSpan.FromSeconds(30)).WaitAsync(timeout.Token);
        if (process.HasExited)
        {
            throw new InvalidOperationException($"Azurite exited at start (code {process.ExitCode}).");
        }

        StorageConnectionString = AzuriteFixture.ConnectionStringFor(port);
        Environment.SetEnvironmentVariable("BILLING_TEST_STORAGE", StorageConnectionString);
        log($"azurite (tables, in memory) on 127.0.0.1:{port}");
    }

    public async Task StartLocalnetAsync(CancellationToken cancellationToken)
    {
        if (LocalnetUrl is not null)
        {
            return; // already started for an earlier benchmark
        }

        LocalnetInfoFile = Path.Combine(Path.GetTempPath(), $"bench-localnet-{Guid.NewGuid():N}.json");
        var start = LocalnetFixture.ServerStartInfo(LocalnetInfoFile);
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Launch(start, "localnet", line =>
        {
            if (line.StartsWith(LocalnetFixture.ReadyPrefix, StringComparison.Ordinal))
            {
                ready.TrySetResult(new Uri(line[LocalnetFixture.ReadyPrefix.Length..].Trim()));
            }
        });
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("the localnet exited at start (is `npm ci` done?)"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        LocalnetUrl = await ready.Task.WaitAsync(timeout.Token);
        Environment.SetEnvironmentVariable(LocalnetFixture.RpcEnvironmentVariable, LocalnetUrl.ToString());
        Environment.SetEnvironmentVariable(LocalnetFixture.InfoEnvironmentVariable, LocalnetInfoFile);
        log($"localnet (LiteSVM JSON-RPC) on {LocalnetUrl}");
    }

    private Process Launch(ProcessStartInfo start, string name, Action<string>? onLine)
    {
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var tail = new Queue<string>();
        void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            onLine?.Invoke(line);
            lock (tail)
            {
                tail.Enqueue(line);
                if (tail.Count > 20)
                {
                    tail.Dequeue();
                }
            }
        }

        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {name}");
        }

        process.BeginOutputReadLine(); // drained, so a chatty child never blocks on a full pipe
        process.BeginErrorReadLine();
        processes.Add(process);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
                // Already gone, or not stopping: nothing more to do from here.
            }

            process.Dispose();
        }

        processes.Clear();
        if (LocalnetInfoFile is not null && File.Exists(LocalnetInfoFile))
        {
            File.Delete(LocalnetInfoFile);
        }
    }
}
