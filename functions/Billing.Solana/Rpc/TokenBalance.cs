namespace Billing.Solana.Rpc;

public sealed record TokenBalance(int AccountIndex, string Mint, string? Owner, string? ProgramId, TokenAmount UiTokenAmount);
