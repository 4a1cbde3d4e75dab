namespace Billing.Reliability.Tests.Faults;

/// <summary>
/// Kills the custom handlers one DevHost runs, from outside, by pid, the moment each one appears: the running handler
/// first (a crash), then every replacement during its start-up, until <c>kills</c> processes are dead. Nothing in the
/// app or the DevHost helps it: it finds this test process's children whose environment carries the DevHost's
/// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> (Linux /proc).
/// </summary>
internal sealed class HandlerKiller : IAsyncDisposable
{
    private readonly string portVariable;
    private readonly IReadOnlyList<TimeSpan> delays;
    private readonly CancellationTokenSource stop = new();
    private readonly List<int> killed = [];
    private readonly Task loop;

    /// <param name="handlerPort">The DevHost's handler port (it tells its handlers apart from other DevHosts').</param>
    /// <param name="delays">For each kill, how long after the process is first seen it is killed (0 = on sight).</param>
    public HandlerKiller(int handlerPort, IReadOnlyList<TimeSpan> delays)
    {
        Assert.True(OperatingSystem.IsLinux(), "HandlerKiller reads /proc");
        portVariable = "FUNCTIONS_CUSTOMHANDLER_PORT=" + handlerPort.ToString(CultureInfo.InvariantCulture);
        this.delays = delays;
        loop = Task.Run(() => RunAsync(stop.Token));
    }

    /// <summary>Completes when every kill is done.</summary>
    public Task Done => loop;

    public IReadOnlyList<int> Killed
    {
        get
        {
            lock (killed)
            {
                return [.. killed];
            }
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        for (int i = 0; i < delays.Count; i++)
        {
            int pid;
            while ((pid = FindHandler()) == 0)
            {
                await Task.Delay(5, cancellationToken);
            }

            await Task.Delay(delays[i], cancellationToken);
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (ArgumentException)
            {
                // It exited by itself in the meantime: it is gone either way.
            }

            lock (killed)
            {
                killed.Add(pid);
            }
        }
    }

    private int FindHandler()
    {
        int self = Environment.ProcessId;
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || Killed.Contains(pid))
            {
                continue;
            }

            try
            {
                // stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[1] != self.ToString(CultureInfo.InvariantCulture))
                {
                    continue;
                }

                string environment = File.ReadAllText(Path.Combine(dir, "environ"));
                if (environment.Split('\0').Contains(portVariable, StringComparer.Ordinal))
                {
                    return pid;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }
}
