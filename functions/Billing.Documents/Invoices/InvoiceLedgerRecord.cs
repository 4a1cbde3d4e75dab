namespace Billing.Documents.Invoices;

/// <summary>
/// The ledger entry that booked the invoice and, once anchored, the on-chain anchor covering it: what a customer checks
/// against Solana (the entry's hash, the anchor's Merkle root, the anchor transaction and its signer).
/// </summary>
/// <param name="EntryId">The entry's id (<c>invoice-finalized:{invoiceId}</c>).</param>
/// <param name="ProofPath">The API path of the entry's inclusion proof.</param>
/// <param name="Entry">The entry as stored; null when it was not found.</param>
/// <param name="Anchor">The anchor memo on chain that covers the entry; null while it is not anchored (or could not be read).</param>
/// <param name="Authority">The anchor authority's public key (base58) the memo is signed by.</param>
/// <param name="ProofVerified">Whether the entry's Merkle proof leads to the anchor's root.</param>
/// <param name="Note">Why there is no anchor (not anchored yet, the chain could not be read, …).</param>
public sealed record InvoiceLedgerRecord(
    string EntryId, string ProofPath, LedgerEntry? Entry = null, OnChainAnchor? Anchor = null, string? Authority = null, bool ProofVerified = false, string? Note = null);
