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
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromHours(24);
}
