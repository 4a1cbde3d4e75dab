namespace Billing.Solana.Transactions;

/// <summary>An instruction with its program and accounts replaced by indexes into the message's key list.</summary>
public sealed record CompiledInstruction(byte ProgramIdIndex, IReadOnlyList<byte> Accounts, ReadOnlyMemory<byte> Data);
