namespace Billing.Publishing;

/// <summary>
/// Publishes accepted usage events to the metering hubs before ingestion answers 202. When <see cref="PublishAsync"/>
/// returns, the hubs have confirmed every event; when it throws, the caller must report nothing accepted (a partner's
/// retry is safe: metering deduplicates by <c>(source, id)</c>, so events of batches sent before the failure count once).
/// </summary>
public interface IUsagePublisher
{
    /// <summary>Publishes <paramref name="events"/>, keeping their order within each hub and partition key.</summary>
    /// <exception cref="UsagePublishUnavailableException">A transient failure or timeout: answer 503, nothing accepted.</exception>
    /// <exception cref="UsageEventTooLargeException">An event cannot fit any batch (deterministic); nothing was sent.</exception>
    Task PublishAsync(IReadOnlyList<PublishedUsage> events, CancellationToken cancellationToken);
}
