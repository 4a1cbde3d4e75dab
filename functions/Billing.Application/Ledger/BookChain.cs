namespace Billing.Application.Ledger;

/// <summary>
/// The entries of a book, read in sequence order, that form one unbroken chain from the first entry up to the head: each
/// hashes to what it holds and names the hash of the entry before. A row planted past the head, in a gap, or after a
/// break is not in it (ledger verify names such rows); what reconcile takes as evidence must be in it.
/// </summary>
internal sealed class BookChain(LedgerHead? head)
{
    private readonly List<LedgerEntry> linked = [];
    private long expected = 1;
    private string previousHash = LedgerEntry.GenesisHash;
    private bool broken = head is null;

    public IReadOnlyList<LedgerEntry> Linked => linked;

    /// <summary>The next row of the book in sequence order; null for a row that cannot be read (the chain breaks there).</summary>
    public void Add(LedgerEntry? entry)
    {
        if (broken || entry is null || entry.Sequence != expected || entry.PreviousHash != previousHash || !entry.HashIsValid || entry.Sequence > head!.LastSequence)
        {
            broken = true;
            return;
        }

        linked.Add(entry);
        expected++;
        previousHash = entry.Hash;
    }
}
