namespace Billing.Storage;

/// <summary>An event the metering path could not count, with everything needed to replay or explain it.</summary>
public sealed record QuarantinedEvent(
    QuarantineKind Kind,
    string Raw,
    IReadOnlyList<string> Reasons,
    string? Source,
    string? EventId,
    string Hub,
    string? PartitionId,
    long? SequenceNumber,
    DateTimeOffset? EnqueuedTime,
    DateTimeOffset QuarantinedAt,
    string? ExistingRaw = null);
