namespace Billing.Storage;

/// <summary>
/// What a quarantined event's row says of its replays once one is recorded: the record that stands and the last replays,
/// oldest first; <see cref="LatestReasons"/> (and when) when this replay set the event aside for reasons other than its
/// first ones, which the row keeps as its latest.
/// </summary>
public sealed record QuarantineReplayRecord(
    QuarantineReplay Standing,
    IReadOnlyList<QuarantineReplay> History,
    IReadOnlyList<string>? LatestReasons = null,
    DateTimeOffset? LatestReasonsAt = null);
