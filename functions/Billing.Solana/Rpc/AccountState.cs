namespace Billing.Solana.Rpc;

/// <summary>An account as a node's state at <paramref name="ContextSlot"/> holds it; <paramref name="Account"/> null when it does not exist there.</summary>
public sealed record AccountState(ulong ContextSlot, AccountInfo? Account);
