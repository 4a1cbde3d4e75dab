namespace Billing.DevHost;

/// <summary>
/// How the supervisor spaces restarts of a handler that keeps exiting: the delay doubles from
/// <see cref="Minimum"/> up to <see cref="Maximum"/>, and starts over once a handler has stayed up for
/// <see cref="StableAfter"/>. A handler that dies during start-up is retried for ever, never given up on.
/// </summary>
public sealed record RestartBackoff(TimeSpan Minimum, TimeSpan Maximum, TimeSpan StableAfter)
{
    public static readonly RestartBackoff Default = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));

    /// <summary>Delay before restart number <paramref name="attempt"/> (0-based) since the handler was last stable.</summary>
    public TimeSpan Delay(int attempt) =>
        TimeSpan.FromTicks(Math.Min(Maximum.Ticks, Minimum.Ticks * (1L << Math.Clamp(attempt, 0, 20))));
}
