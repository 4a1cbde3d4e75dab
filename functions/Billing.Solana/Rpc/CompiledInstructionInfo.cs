namespace Billing.Solana.Rpc;

/// <summary>A top-level instruction of a fetched transaction: indexes into <see cref="TransactionInfo.AccountKeys"/> and raw data.</summary>
public sealed record CompiledInstructionInfo(int ProgramIdIndex, IReadOnlyList<int> Accounts, byte[] Data);
