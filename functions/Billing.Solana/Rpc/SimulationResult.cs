namespace Billing.Solana.Rpc;

public sealed record SimulationResult(TransactionError? Error, IReadOnlyList<string> Logs, ulong? UnitsConsumed, ulong ContextSlot);
