namespace Billing.Storage;

/// <summary>
/// A quarantined event as a list shows it: why and where it was set aside, and the digest and length of its payload
/// (<see cref="QuarantineStore.GetAsync"/> reads the payload). <see cref="Id"/> is opaque and stable: it names the row
/// and is the cursor of a page. <see cref="Kind"/> is null when the stored kind is none this code writes (a planted row
/// shows, it does not break the list). <see cref="Unstored"/> is the service's reason when even the payload could not be
/// stored (only its digest and length remain). <see cref="Replay"/>: the replay record that stands (the resolution once
/// there is one, else the last replay), when there was one. <see cref="Replays"/>: the last replays, oldest first (at most
/// <see cref="QuarantineReplay.HistoryLimit"/>); read with the event (<see cref="QuarantineStore.GetAsync"/>), null in a list.
/// <para><see cref="QuarantinedAt"/>, the position and <see cref="Reasons"/> are the first delivery's, never rewritten when
/// the same event is set aside again (<see cref="QuarantineDelivery"/>): <see cref="Deliveries"/> counts the times it was
/// (at least 1), <see cref="LastSeenAt"/>, <see cref="LastSequenceNumber"/> and <see cref="LastPartitionId"/> are the last
/// one's (the first's when there was one), and <see cref="LatestReasons"/> the latest reasons that differed from the first
/// (a redelivery's or a replay's, at <see cref="LatestReasonsAt"/>), null when none did.</para>
/// </summary>
public sealed record QuarantineEntry(
    string Id,
    QuarantineKind? Kind,
    string? Source,
    string? EventId,
    IReadOnlyList<string> Reasons,
    string Hub,
    string? PartitionId,
    long? SequenceNumber,
    DateTimeOffset? EnqueuedTime,
    DateTimeOffset? QuarantinedAt,
    string? RawSha256,
    long? RawLength,
    string? Unstored,
    QuarantineReplay? Replay = null,
    IReadOnlyList<QuarantineReplay>? Replays = null,
    long Deliveries = 1,
    DateTimeOffset? LastSeenAt = null,
    long? LastSequenceNumber = null,
    string? LastPartitionId = null,
    IReadOnlyList<string>? LatestReasons = null,
    DateTimeOffset? LatestReasonsAt = null);
