namespace Billing.Solana.Rpc;

public sealed record TransactionMeta(
    TransactionError? Error,
    ulong Fee,
    IReadOnlyList<string> LogMessages,
    IReadOnlyList<ulong> PreBalances,
    IReadOnlyList<ulong> PostBalances,
    IReadOnlyList<TokenBalance> PreTokenBalances,
    IReadOnlyList<TokenBalance> PostTokenBalances,
    ulong? ComputeUnitsConsumed);
