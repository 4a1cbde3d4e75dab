namespace Billing.DevHost;

/// <summary>
/// Keeps the custom handler running, as the Functions host does: when the handler exits for any reason it is
/// restarted after a <see cref="RestartBackoff"/> delay, and a restart that dies during start-up is simply the
/// next failed attempt. There is no attempt limit, so the host can never be left without a handler for good.
/// While no handler is up, <see cref="WaitReadyAsync"/> tells callers to wait or answer 503.
/// </summary>
public sealed class HandlerSupervisor(FunctionApp app, int port, IReadOnlyDictionary<string, string> settings, RestartBackoff backoff, TimeProvider time, Action<string> log)
    : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock sync = new();
    private TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HandlerProcess? current;
    private Task supervision = Task.CompletedTask;
    private int restarts;
    private int failedStarts;
    private int? lastExitCode;

    /// <summary>True while a handler is up and listening.</summary>
    public bool IsReady
    {
        get
        {
            lock (sync)
            {
                return current is not null;
            }
        }
    }

    /// <summary>
    /// Starts the first handler and then watches it. A first start that fails is thrown, not retried: a handler
    /// that cannot start at all (bad settings, missing build) is a mistake the user must see at once.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var first = await StartHandlerAsync(cancellationToken).ConfigureAwait(false);
        MarkUp(first);
        supervision = Task.Run(() => SuperviseAsync(first, stopping.Token), CancellationToken.None);
    }

    /// <summary>Waits until a handler is up; false when <paramref name="timeout"/> passes first.</summary>
    public async Task<bool> WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task up;
        lock (sync)
        {
            up = ready.Task;
        }

        try
        {
            await up.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Kills the running handler abruptly, as a crash would; the supervisor restarts it.</summary>
    public void Kill()
    {
        HandlerProcess? handler;
        lock (sync)
        {
            handler = current;
        }

        handler?.Kill();
    }

    public JsonObject Status()
    {
        lock (sync)
        {
            return new JsonObject
            {
                ["state"] = current is not null ? "running" : stopping.IsCancellationRequested ? "stopped" : "restarting",
                ["pid"] = current?.ProcessId,
                ["restarts"] = restarts,
                ["failedStarts"] = failedStarts,
                ["lastExitCode"] = lastExitCode,
            };
        }
    }

    private Task<HandlerProcess> StartHandlerAsync(CancellationToken cancellationToken) =>
        HandlerProcess.StartAsync(app, port, settings, line => log("app: " + line), cancellationToken);

    private async Task SuperviseAsync(HandlerProcess handler, CancellationToken cancellationToken)
    {
        int attempt = 0; // restarts since the handler was last stable
        while (true)
        {
            var upSince = time.GetUtcNow();
            try
            {
                await handler.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            MarkDown(handler.ExitCode);
            log($"devhost: the custom handler (pid {handler.ProcessId}) exited with code {handler.ExitCode}; restarting it");
            await handler.DisposeAsync().ConfigureAwait(false);
            if (time.GetUtcNow() - upSince >= backoff.StableAfter)
            {
                attempt = 0;
            }

            HandlerProcess? next = null;
            while (next is null)
            {
                var delay = backoff.Delay(attempt++);
                try
                {
                    await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                    next = await StartHandlerAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or FileNotFoundException or IOException or System.ComponentModel.Win32Exception)
                {
                    lock (sync)
                    {
                        failedStarts++;
                    }

                    log($"devhost: restarting the custom handler failed ({ex.Message}); next attempt in {backoff.Delay(attempt).TotalSeconds:0.##} s");
                }
            }

            lock (sync)
            {
                restarts++;
            }

            MarkUp(next);
            log($"devhost: the custom handler is up again (pid {next.ProcessId}, after {attempt} attempt(s))");
            handler = next;
        }
    }

    private void MarkUp(HandlerProcess handler)
    {
        lock (sync)
        {
            current = handler;
            ready.TrySetResult();
        }
    }

    private void MarkDown(int exitCode)
    {
        lock (sync)
        {
            current = null;
            lastExitCode = exitCode;
            if (ready.Task.IsCompleted)
            {
                ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        await supervision.ConfigureAwait(false);
        HandlerProcess? handler;
        lock (sync)
        {
            handler = current;
            current = null;
        }

        if (handler is not null)
        {
            await handler.DisposeAsync().ConfigureAwait(false);
        }

        stopping.Dispose();
    }
}
