namespace Billing.Domain.Ledger;

/// <summary>One step of an inclusion proof: the sibling's node hash (lower-case hex) and whether it sits on the left.</summary>
public sealed record MerkleProofStep(string SiblingHex, bool IsLeft);
