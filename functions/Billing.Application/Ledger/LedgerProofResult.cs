namespace Billing.Application.Ledger;

/// <summary>What <see cref="LedgerReader.ProofAsync(string, string?, bool, CancellationToken)"/> found.</summary>
public abstract record LedgerProofResult
{
    private LedgerProofResult()
    {
    }

    /// <summary>
    /// The entry, the on-chain anchor covering it, the anchor authority (base58) and the Merkle path to its root.
    /// <paramref name="Verified"/>: the entry's fields hash to its stored hash and that hash leads to the anchored root.
    /// </summary>
    public sealed record Found(LedgerEntry Entry, OnChainAnchor Anchor, string Authority, IReadOnlyList<MerkleProofStep> Proof, bool Verified) : LedgerProofResult;

    /// <summary>No such entry (or, for a payer, not one of its own).</summary>
    public sealed record NotFound : LedgerProofResult;

    /// <summary>No anchor on chain covers the entry yet.</summary>
    public sealed record NotAnchored(LedgerEntry Entry) : LedgerProofResult;

    /// <summary>Entries of the covering anchor are missing from storage.</summary>
    public sealed record Damaged(OnChainAnchor Anchor) : LedgerProofResult;

    /// <summary>A row the proof needs (the entry's, its index row, or a sibling's hash) cannot be read: <paramref name="Reason"/> names it.</summary>
    public sealed record Unreadable(string Reason) : LedgerProofResult;
}
