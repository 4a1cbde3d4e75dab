using Microsoft.Extensions.Hosting;

namespace Billing.Application.Burns;

/// <summary>Runs the executor right away after a payment, in the background, without holding up the webhook answer.</summary>
public sealed partial class BurnTrigger(IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<BurnTrigger> logger)
{
    private int running;

    public void Signal()
    {
        if (Interlocked.Exchange(ref running, 1) == 1)
        {
            return; // a run is already going; the timer picks up anything it misses
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await services.GetRequiredService<BurnExecutor>().RunAsync(lifetime.ApplicationStopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
            finally
            {
                Volatile.Write(ref running, 0);
            }
        }, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Immediate burn attempt failed; the BurnExecutor timer will retry")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
