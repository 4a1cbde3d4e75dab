namespace Billing.Contracts.Ledger;

/// <summary>
/// <c>GET /api/v1/ledger/proof/{entryId}</c>: the entry, the anchor covering it, and its Merkle inclusion proof.
/// <c>verified</c>: the entry's fields give its hash, and the proof leads from that hash to the anchored root;
/// an entry edited beside its stored hash is not verified.
/// </summary>
public sealed record LedgerProofResponse(
    string EntryId,
    long Sequence,
    string Hash,
    LedgerEntryView Entry,
    LedgerAnchorView Anchor,
    IReadOnlyList<MerkleStepView> Proof,
    bool Verified);
