namespace Billing.Application.Ledger;

/// <summary>What one anchoring run did: the memo and transaction it sent (if any) and its status.</summary>
public sealed record AnchorRunSummary(string? Memo, string? Signature, ulong? Slot, string Status)
{
    /// <summary>What the run's backfill of the subject index did (LedgerAnchorService.Index.cs); null when the index was whole already.</summary>
    public string? IndexBackfill { get; init; }
}
