namespace Billing.Contracts.Ledger;

/// <summary>One step of a Merkle path: the sibling's hash and whether it is on the left.</summary>
public sealed record MerkleStepView(string Sibling, bool IsLeft);
