using Polly;
using Polly.Retry;

namespace Billing.Cli.Api;

/// <summary>
/// Exponential backoff with jitter for transport errors, 429 and 5xx. 4xx other than 429 is never retried:
/// sending the same request again cannot change the answer; nor is a 5xx problem the API types as deterministic
/// (<see cref="Billing.Contracts.Problems.ApiProblem.StorageIntegrityType"/>: stored data changed or removed outside the
/// platform answers the same until it is repaired). Most POSTs are retried like GETs because the API makes
/// them idempotent (usage events dedupe by source and id, a period close and a replayed Stripe event change nothing
/// twice). A request that acts anew each time (creating a partner, issuing a key: <see cref="ApiRequest.Repeatable"/>
/// false) is retried only when the API certainly did not act on it: 429, or a connection that was never made. After a
/// 5xx or a lost answer it may have acted, so the CLI reports the error instead of issuing a second key.
/// </summary>
public sealed class RetryPolicy
{
    public int MaxAttempts { get; init; } = 5;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The clock the retries wait on; tests pass one whose timers fire at once.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>A 429, or a 5xx the API does not type as deterministic (<see cref="Billing.Contracts.Problems.ApiProblem.StorageIntegrityType"/>).</summary>
    public static bool IsRetryable(ApiResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Status == 429
            || (response.Status >= 500 && response.Problem().Body?.Type != Billing.Contracts.Problems.ApiProblem.StorageIntegrityType);
    }

    /// <summary>No answer came: the connection failed, or HttpClient timed out (a cancellation the caller did not ask for).</summary>
    public static bool IsTransport(Exception exception, CancellationToken callerToken) =>
        exception is HttpRequestException || (exception is TaskCanceledException && !callerToken.IsCancellationRequested);

    /// <summary>Delay before retry number <paramref name="retry"/> (1-based): base × 2^(retry-1), halved to fully random ("equal jitter"), capped; at least Retry-After.</summary>
    public TimeSpan DelayFor(int retry, TimeSpan? retryAfter)
    {
        double exp = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry - 1, 20));
        double capped = Math.Min(exp, MaxDelay.TotalMilliseconds);
        double jittered = (capped / 2) + (Random.Shared.NextDouble() * capped / 2);
        var delay = TimeSpan.FromMilliseconds(jittered);
        if (retryAfter is { } ra && ra > delay)
        {
            delay = ra < MaxDelay ? ra : MaxDelay;
        }

        return delay;
    }

    /// <summary>The request certainly did not reach the API: the connection could not be established.</summary>
    public static bool IsNotSent(Exception exception) =>
        exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };

    /// <summary>
    /// The Polly pipeline of this policy: up to <see cref="MaxAttempts"/> attempts, waits from <see cref="DelayFor"/>;
    /// for a request that is not <paramref name="repeatable"/>, only the retries that cannot apply it twice.
    /// </summary>
    public ResiliencePipeline<ApiResponse> CreatePipeline(bool repeatable = true)
    {
        var builder = new ResiliencePipelineBuilder<ApiResponse> { TimeProvider = TimeProvider };
        if (MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<ApiResponse>
            {
                MaxRetryAttempts = MaxAttempts - 1,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex
                    ? (repeatable ? IsTransport(ex, args.Context.CancellationToken) : IsNotSent(ex))
                    : (repeatable ? IsRetryable(args.Outcome.Result!) : args.Outcome.Result!.Status == 429)),

                // Polly's attempt number is 0-based; the formula (and the Retry-After rule) are the CLI's own.
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(DelayFor(args.AttemptNumber + 1, args.Outcome.Result?.RetryAfter)),
            });
        }

        return builder.Build();
    }
}
