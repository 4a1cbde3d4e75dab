namespace Billing.Solana.Rpc;

public sealed record AccountInfo(ulong Lamports, string Owner, byte[] Data, bool Executable, ulong RentEpoch);
