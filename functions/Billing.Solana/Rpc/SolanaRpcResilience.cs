using Polly.Retry;
using Polly.Timeout;

namespace Billing.Solana.Rpc;

/// <summary>
/// Builds the Polly pipeline used by <see cref="SolanaRpcClient"/>: retry (outer) around a per-attempt timeout (inner).
/// Only transient failures are retried; JSON-RPC error responses are deterministic and surface immediately.
/// </summary>
public static class SolanaRpcResilience
{
    public static ResiliencePipeline CreatePipeline(SolanaRpcOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ResiliencePipelineBuilder();
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex && IsTransient(ex, args.Context.CancellationToken)),
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.UseJitter,
            });
        }

        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.AttemptTimeout });
        return builder.Build();
    }

    /// <summary>True for failures where repeating the same request may succeed.</summary>
    public static bool IsTransient(Exception exception, CancellationToken callerToken) => exception switch
    {
        SolanaRpcTransportException transport => transport.IsTransient,
        HttpRequestException => true,
        TimeoutRejectedException => true,

        // HttpClient.Timeout surfaces as a cancellation that the caller did not ask for.
        OperationCanceledException => !callerToken.IsCancellationRequested,
        _ => false,
    };

    public static bool IsTransientStatus(HttpStatusCode status) =>
        status == HttpStatusCode.TooManyRequests || (int)status >= 500;
}
