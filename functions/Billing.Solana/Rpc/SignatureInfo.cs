namespace Billing.Solana.Rpc;

/// <summary>One row of getSignaturesForAddress; <see cref="Memo"/> is the node's summary of the memos (<c>[len] text</c>), or null.</summary>
public sealed record SignatureInfo(string Signature, ulong Slot, TransactionError? Error, string? Memo, long? BlockTime);
