namespace Billing.Solana.Rpc;

/// <summary>getSignatureStatuses: one status (null: unknown to the node) per signature, and the slot the node answered at.</summary>
public sealed record SignatureStatuses(ulong ContextSlot, IReadOnlyList<SignatureStatus?> Value);
