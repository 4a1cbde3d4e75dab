namespace Billing.Reliability.Tests.Infrastructure;

/// <summary>
/// An Azurite of this project's own that can be stopped and started again on the same port. It persists to a temp
/// folder (<c>--location</c>), not <c>--inMemoryPersistence</c>: an outage must not wipe the tables, or "nothing lost"
/// would be meaningless. Stopping is graceful (SIGINT, the only signal azurite-table handles) so Azurite flushes its
/// database the way a real storage service keeps acknowledged writes; SIGTERM/SIGKILL lose everything since Azurite's
/// last autosave (its LokiJS store), an emulator artefact, not a platform one.
/// </summary>
public sealed class RestartableAzurite : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private Process? process;

    public RestartableAzurite()
    {
        Port = FreePort.Find();
        Location = Path.Combine(Path.GetTempPath(), "rel-azurite-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Location);
    }

    public int Port { get; }

    public string Location { get; }

    public string ConnectionString => AzuriteFixture.ConnectionStringFor(Port);

    public bool Running => process is { HasExited: false };

    public async Task StartAsync()
    {
        string azurite = Path.Combine(RepositoryRoot.Path, "node_modules", ".bin", "azurite-table");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException("Azurite is not installed: run `npm ci` in the repository root (./run test does it for you).");
        }

        var start = new ProcessStartInfo(azurite)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--location", Location, "--disableTelemetry", "--tableHost", "127.0.0.1", "--tablePort", Port.ToString(CultureInfo.InvariantCulture), "--skipApiVersionCheck" })
        {
            start.ArgumentList.Add(arg);
        }

        process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Generous: measured 15 s for Azurite to listen on the shared 2-core machine under load (about 1 s idle), and the
        // collections' fixtures start their emulators at the same time.
        await AzuriteFixture.WaitForPortAsync(Port, StartTimeout);
    }

    /// <summary>Stops Azurite gracefully (SIGINT; falls back to a kill after 15 s); the port is free afterwards.</summary>
    public async Task StopAsync()
    {
        if (process is not { HasExited: false } p)
        {
            return;
        }

        using (var term = Process.Start(new ProcessStartInfo("kill", ["-INT", p.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
        {
            await term!.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }

        p.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }

        process?.Dispose();
        try
        {
            Directory.Delete(Location, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
