namespace Billing.Domain.Events;

/// <summary>Limits of docs/contract.md §3, in one place so ingestion, metering and docs agree.</summary>
public static class EventLimits
{
    public const int MaxIdLength = 128;
    public const int MaxEventBytes = 64 * 1024;
    public const int MaxEventsPerRequest = 1000;
    public const int MaxRequestBytes = 1024 * 1024;
    public const long MaxBytesPerSession = 10_000_000_000_000; // 10^13
    public const int MaxGpuCount = 1024;
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(35);

    /// <summary>
    /// How much later than its check at ingestion an accepted event may be enqueued: a publish is bounded by
    /// <c>Billing:Publishing:PublishTimeout</c> (at most 180 s), and a send whose confirmation was lost can land just after.
    /// Metering checks <see cref="MaxAge"/> against the enqueue time with this allowance, so an event accepted at the edge
    /// of the window is not refused for the seconds it spent being published; and <see cref="MaxFutureSkew"/> too, as the
    /// enqueue time is the hub's clock, which may be behind the app's that accepted the event.
    /// </summary>
    public static readonly TimeSpan MaxEnqueueDelay = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromHours(24);
}
