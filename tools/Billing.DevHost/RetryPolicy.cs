namespace Billing.DevHost;

/// <summary>The function-level retry policy of function.json (what the host applies before it checkpoints).</summary>
public sealed record RetryPolicy(string Strategy, int MaxRetryCount, TimeSpan MinimumInterval, TimeSpan MaximumInterval, TimeSpan DelayInterval)
{
    public static readonly RetryPolicy None = new("none", 0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>-1 retries for ever, as the host does.</summary>
    public bool RetriesForever => MaxRetryCount < 0;

    public TimeSpan Delay(int attempt) => Strategy switch
    {
        "exponentialBackoff" => TimeSpan.FromTicks(Math.Min(MaximumInterval.Ticks, MinimumInterval.Ticks * (1L << Math.Min(attempt, 20)))),
        "fixedDelay" => DelayInterval,
        _ => TimeSpan.Zero,
    };
}
