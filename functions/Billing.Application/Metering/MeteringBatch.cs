namespace Billing.Application.Metering;

/// <summary>
/// One Event Hubs batch as the trigger delivers it: the events (raw JSON) and, per event where the host supplies them,
/// the enqueue time and sequence number, with the partition they came from.
/// </summary>
public sealed record MeteringBatch(
    IReadOnlyList<string> Events,
    IReadOnlyList<DateTimeOffset?> EnqueuedTimes,
    IReadOnlyList<long?> SequenceNumbers,
    string? PartitionId);
