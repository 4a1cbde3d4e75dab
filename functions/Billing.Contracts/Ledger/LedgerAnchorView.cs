namespace Billing.Contracts.Ledger;

/// <summary>The on-chain anchor covering an entry: its memo's content, the transaction, the signing authority (base58).</summary>
public sealed record LedgerAnchorView(
    string Ledger,
    string Book,
    long FromSeq,
    long ToSeq,
    string Root,
    string PreviousRoot,
    string Memo,
    string Signature,
    ulong Slot,
    string Authority,
    string Status);
