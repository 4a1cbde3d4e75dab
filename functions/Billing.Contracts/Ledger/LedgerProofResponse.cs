namespace Billing.Contracts.Ledger;

/// <summary><c>GET /api/v1/ledger/proof/{entryId}</c>: the entry, the anchor covering it, and its Merkle inclusion proof.</summary>
public sealed record LedgerProofResponse(
    string EntryId,
    long Sequence,
    string Hash,
    LedgerEntryView Entry,
    LedgerAnchorView Anchor,
    IReadOnlyList<MerkleStepView> Proof,
    bool Verified);
