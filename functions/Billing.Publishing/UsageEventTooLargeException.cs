namespace Billing.Publishing;

/// <summary>
/// An event larger than an empty batch can hold: it would fail the same way on every attempt (deterministic), so it is
/// raised before anything of the call is sent. Validation keeps events far below the hubs' limit (64 KiB against
/// 1 MB), so this signals a configuration or validation bug; the HTTP layer answers 413 naming <see cref="Index"/>.
/// </summary>
public sealed class UsageEventTooLargeException : Exception
{
    public UsageEventTooLargeException(int index, UsageHub hub, int bodyBytes, long maxBatchBytes)
        : base($"event {index} ({bodyBytes} bytes) does not fit an empty {hub} batch of at most {maxBatchBytes} bytes")
    {
        Index = index;
        Hub = hub;
        BodyBytes = bodyBytes;
        MaxBatchBytes = maxBatchBytes;
    }

    /// <summary>Position of the event in the list given to <see cref="IUsagePublisher.PublishAsync"/>.</summary>
    public int Index { get; }

    public UsageHub Hub { get; }

    public int BodyBytes { get; }

    public long MaxBatchBytes { get; }
}
