namespace Billing.Contracts.Quarantine;

/// <summary>
/// An event metering set aside, as <c>GET /api/v1/quarantine</c> lists it: <see cref="Kind"/> is <c>invalid</c> (failed
/// validation), <c>conflict</c> (an id already metered with other content), <c>malformed</c> (not an event) or
/// <c>unstorable</c> (refused by Table Storage); <c>unknown</c> for a row this platform did not write. Where it came
/// from (hub, partition, sequence number), why (<see cref="Reasons"/>), and the SHA-256 and length in characters of its
/// payload, which <c>GET /api/v1/quarantine/{id}</c> returns whole. <see cref="Unstored"/>: the storage service's
/// reason when even the payload could not be kept. <see cref="Replay"/>: the replay record that stands (the one that
/// counted the event, once one did; else the last replay). <see cref="Replays"/> (one event's answers, not a list): its
/// last replays through metering, oldest first, at most 20. Absent members are omitted.
/// <para>When metering sets the same event aside again (a redelivered batch, the same payload sent again),
/// <see cref="QuarantinedAt"/>, the position and <see cref="Reasons"/> stay the first delivery's: <see cref="Deliveries"/>
/// counts the times it was set aside (1 for an event seen once, and for rows stored before it was counted),
/// <see cref="LastSeenAt"/>, <see cref="LastSequenceNumber"/> and <see cref="LastPartitionId"/> are the last time's (the
/// first's when seen once), and <see cref="LatestReasons"/> (at <see cref="LatestReasonsAt"/>) the latest reasons, of a
/// redelivery or a replay, that differed from the first; absent when none did.</para>
/// </summary>
public sealed record QuarantinedEventView(
    string Id,
    string Kind,
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
    QuarantineReplayView? Replay = null,
    IReadOnlyList<QuarantineReplayView>? Replays = null,
    long Deliveries = 1,
    DateTimeOffset? LastSeenAt = null,
    long? LastSequenceNumber = null,
    string? LastPartitionId = null,
    IReadOnlyList<string>? LatestReasons = null,
    DateTimeOffset? LatestReasonsAt = null);
