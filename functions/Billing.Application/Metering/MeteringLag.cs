using Billing.Application.Telemetry;

namespace Billing.Application.Metering;

/// <summary>
/// How far metering is behind its hubs: the age of a batch's oldest event, from its enqueue time to now, recorded as
/// <c>billing.metering.lag</c> (seconds, by hub) and logged once it passes <see cref="MeteringOptions.LagWarning"/>
/// (a warning) or half of <see cref="MeteringOptions.HubRetention"/> (an error). A hub drops an event at the end of its
/// retention whether or not it was metered, so accepted usage would be lost without a trace: an operator must hear of a
/// stall long before. Observed on every delivery before anything can fail, so a batch that fails every try (a storage
/// outage, a bad setting) still reports its growing age on each redelivery.
/// </summary>
public sealed partial class MeteringLag(TimeProvider time, IOptions<MeteringOptions> options, ILogger<MeteringLag> logger)
{
    /// <summary>The age of the batch's oldest event (zero for one enqueued "in the future" by a skewed clock), or null when no enqueue time is known.</summary>
    public TimeSpan? Observe(string hub, MeteringBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        DateTimeOffset? oldest = null;
        foreach (var enqueued in batch.EnqueuedTimes)
        {
            if (enqueued is { } t && (oldest is null || t < oldest))
            {
                oldest = t;
            }
        }

        if (oldest is not { } since)
        {
            return null;
        }

        var lag = time.GetUtcNow() - since;
        lag = lag < TimeSpan.Zero ? TimeSpan.Zero : lag;
        BillingTelemetry.MeteringLag.Record(lag.TotalSeconds, new KeyValuePair<string, object?>("hub", hub));
        var settings = options.Value;
        if (lag >= settings.HubRetention / 2)
        {
            LogLagCritical(logger, hub, batch.PartitionId, lag, since, settings.HubRetention, settings.HubRetention - lag);
        }
        else if (lag >= settings.LagWarning)
        {
            LogLagging(logger, hub, batch.PartitionId, lag, since, settings.HubRetention);
        }

        return lag;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metering of hub {Hub} partition {Partition} lags {Lag}: the batch's oldest event was enqueued at {Enqueued}; the hub keeps events {Retention}")]
    private static partial void LogLagging(ILogger logger, string hub, string? partition, TimeSpan lag, DateTimeOffset enqueued, TimeSpan retention);

    [LoggerMessage(Level = LogLevel.Error, Message = "Metering of hub {Hub} partition {Partition} lags {Lag}, past half of the hub's retention ({Retention}): the batch's oldest event, enqueued at {Enqueued}, is dropped unmetered in {Left} unless metering catches up (README, Troubleshooting)")]
    private static partial void LogLagCritical(ILogger logger, string hub, string? partition, TimeSpan lag, DateTimeOffset enqueued, TimeSpan retention, TimeSpan left);
}
