namespace Billing.Solana.Rpc;

public sealed record LatestBlockhash(string Blockhash, ulong LastValidBlockHeight, ulong ContextSlot);
