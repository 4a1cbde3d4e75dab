namespace Billing.Storage;

/// <summary>What a quarantined event's row says of its replays once one is recorded: the record that stands and the last replays, oldest first.</summary>
public sealed record QuarantineReplayRecord(QuarantineReplay Standing, IReadOnlyList<QuarantineReplay> History);
