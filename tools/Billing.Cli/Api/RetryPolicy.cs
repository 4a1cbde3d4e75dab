namespace Billing.Cli.Api;

/// <summary>
/// Exponential backoff with jitter for transport errors, 429 and 5xx. 4xx other than 429 is never retried:
/// sending the same request again cannot change the answer.
/// </summary>
public sealed class RetryPolicy
{
    public int MaxAttempts { get; init; } = 5;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Sleeps; tests replace it to run instantly.</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; init; } = Task.Delay;

    public static bool IsRetryableStatus(int status) => status == 429 || status >= 500;

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
}
