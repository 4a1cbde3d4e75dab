namespace Billing.Publishing;

/// <summary>
/// An event larger than an empty batch can hold: it would fail the same way on every attempt (deterministic), so it is
/// raised before anything of the call is sent. Validation keeps events far below the hubs' limit (64 KiB against
/// 1 MB), so this signals a configuration or validation bug; the HTTP layer answers 413 naming <see cref="Index"/>.
/// </summary>
public sealed class UsageEventTooLargeException(int index, UsageHub hub, int bodyBytes, long maxBatchBytes)
    : Exception($"event {index} ({bodyBytes} bytes) does not fit an empty {hub} batch of at most {maxBatchBytes} bytes")
{
    /// <summary>Position of the event in the list given to <see cref="IUsagePublisher.PublishAsync"/>.</summary>
    public int Index { get; } = index;

    public UsageHub Hub { get; } = hub;

    public int BodyBytes { get; } = bodyBytes;

    public long MaxBatchBytes { get; } = maxBatchBytes;
}
