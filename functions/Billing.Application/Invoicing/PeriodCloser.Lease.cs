namespace Billing.Application.Invoicing;

public sealed partial class PeriodCloser
{
    /// <summary>
    /// The period-close lease. Once taken it is renewed every quarter of its duration for as long as the close runs
    /// (<see cref="StartRenewing"/>), however long one payer takes, and <see cref="TryRenewAsync"/> before each invoice is
    /// stored says whether it is still held: a lease that lapsed lets another close in, which would bill the same corrections.
    /// </summary>
    private sealed class CloseLease(InvoiceStore store, string owner, TimeSpan duration, TimeProvider time, ILogger logger) : IAsyncDisposable
    {
        private readonly SemaphoreSlim gate = new(1, 1);
        private readonly CancellationTokenSource stop = new();
        private Task renewing = Task.CompletedTask;
        private DateTimeOffset until;
        private volatile bool lost;

        public string Owner => owner;

        /// <summary>Renews the lease in the background until <see cref="StopRenewingAsync"/>.</summary>
        public void StartRenewing() => renewing = RenewAllAlongAsync(stop.Token);

        public async Task StopRenewingAsync()
        {
            if (!stop.IsCancellationRequested)
            {
                await stop.CancelAsync().ConfigureAwait(false);
            }

            await renewing.ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            await StopRenewingAsync().ConfigureAwait(false);
            stop.Dispose();
            gate.Dispose();
        }

        /// <summary>
        /// True when this close holds the lease for at least half its duration more: taken or renewed now if less remains.
        /// False once another close holds it (for good: a lease lost is never taken back by this close).
        /// </summary>
        public Task<bool> TryRenewAsync(CancellationToken cancellationToken) => RenewAsync(force: false, cancellationToken);

        private async Task<bool> RenewAsync(bool force, CancellationToken cancellationToken)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var now = time.GetUtcNow();
                if (lost)
                {
                    return false;
                }

                if (!force && until - now > duration / 2)
                {
                    return true;
                }

                var lease = await store.TryAcquireCloseLeaseAsync(owner, duration, now, cancellationToken).ConfigureAwait(false);
                if (!lease.Acquired)
                {
                    lost = until != default; // not taken yet is waiting, not lost
                    return false;
                }

                if (lease.Unreadable is { } why)
                {
                    LogLeaseUnreadable(logger, why);
                }

                until = now + duration;
                return true;
            }
            finally
            {
                gate.Release();
            }
        }

        /// <summary>
        /// Renews every quarter of the duration. A renewal that fails (storage unreachable) is tried again a quarter later, so
        /// the lease lapses only after three in a row; the check before each store then abandons the close.
        /// </summary>
        private async Task RenewAllAlongAsync(CancellationToken cancellationToken)
        {
            while (!lost)
            {
                try
                {
                    await Task.Delay(duration / 4, time, cancellationToken).ConfigureAwait(false);
                    if (!await RenewAsync(force: true, cancellationToken).ConfigureAwait(false))
                    {
                        LogLeaseLost(logger);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return; // the close ended
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // Any failure, a storage timeout (an OperationCanceledException of its own) included, is left to the
                    // check before each store, which meets the same failure and fails the close with it; this loop, which only
                    // keeps the lease, must never turn a close whose invoices were all stored into a failure, nor skip its release.
                    LogLeaseRenewalFailed(logger, ex.Message);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The period-close lease could not be read ({Reason}); it was taken over as expired")]
    private static partial void LogLeaseUnreadable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The period-close lease could not be renewed, tried again shortly: {Reason}")]
    private static partial void LogLeaseRenewalFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The period-close lease lapsed and another close took it; this close stores no more invoices")]
    private static partial void LogLeaseLost(ILogger logger);
}
