using Billing.Domain.Ledger;

namespace Billing.Documents.Invoices;

/// <summary>
/// The ledger entry that booked the invoice and, once anchored, the on-chain anchor covering it: what a customer checks
/// against Solana (the entry's hash, the anchor's Merkle root, the anchor transaction and its signer).
/// </summary>
public sealed record InvoiceLedgerRecord
{
    public required string EntryId { get; init; }

    /// <summary>The API path of the entry's inclusion proof.</summary>
    public required string ProofPath { get; init; }

    /// <summary>The entry as stored; null when it was not found.</summary>
    public LedgerEntry? Entry { get; init; }

    /// <summary>The anchor memo on chain that covers the entry; null while it is not anchored (or could not be read).</summary>
    public OnChainAnchor? Anchor { get; init; }

    /// <summary>The anchor authority's public key (base58) the memo is signed by.</summary>
    public string? Authority { get; init; }

    /// <summary>Whether the entry's Merkle proof leads to the anchor's root.</summary>
    public bool ProofVerified { get; init; }

    /// <summary>Why there is no anchor (not anchored yet, the chain could not be read, …).</summary>
    public string? Note { get; init; }
}
