namespace Billing.Solana.Rpc;

/// <summary>getEpochInfo: a slot and the block height at it, read from one bank of one node.</summary>
public sealed record EpochInfo(ulong AbsoluteSlot, ulong BlockHeight);
