namespace Billing.Application.Ledger;

/// <summary>
/// How far a book, read in sequence order, forms one unbroken chain from the first entry up to the head: each entry passes
/// <see cref="HashChain.Verify"/> as the next link (its hash, its sequence, the hash of the entry before, the entry rules). A
/// row planted past the head, in a gap, or after a break is not in it (ledger verify names such rows); what reconcile takes
/// as evidence must be in it.
/// </summary>
internal sealed class BookChain(LedgerHead? head)
{
    private string previousHash = LedgerEntry.GenesisHash;
    private bool broken = head is null;

    /// <summary>The last sequence of the unbroken chain (0 before any).</summary>
    public long LinkedThrough { get; private set; }

    /// <summary>The next row of the book in sequence order; null for a row that cannot be read (the chain breaks there).</summary>
    public void Add(LedgerEntry? entry)
    {
        if (broken || entry is null || entry.Sequence > head!.LastSequence || HashChain.Verify([entry], LinkedThrough + 1, previousHash).Count > 0)
        {
            broken = true;
            return;
        }

        LinkedThrough = entry.Sequence;
        previousHash = entry.Hash;
    }
}
