namespace Billing.Domain.Ledger;

/// <summary>A heartbeat memo as read from the chain: signed by the anchor authority in transaction <see cref="Signature"/>.</summary>
public sealed record OnChainHeartbeat(HeartbeatMemoContent Content, string Signature, ulong Slot, DateTimeOffset? BlockTime);
