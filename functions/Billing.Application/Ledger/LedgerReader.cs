namespace Billing.Application.Ledger;

/// <summary>
/// The ledger's read side: balances, pages of entries with every hashed field, and the Merkle inclusion proof of one
/// entry in the on-chain anchor that covers it. The anchor is taken from the chain (the table only says where to look).
/// </summary>
public sealed class LedgerReader(LedgerStore ledger, AnchorStore anchors, AnchorAuthority authority, ISolanaRpcClient rpc)
{
    public const int MaxEntriesPage = 1000;

    /// <summary>Balances of the main book, of one payer's accounts when <paramref name="payer"/> is set.</summary>
    public async Task<Balances> BalancesAsync(string? payer, CancellationToken cancellationToken)
    {
        var balances = await ledger.BalancesAsync(LedgerEntries.MainBook, cancellationToken).ConfigureAwait(false);
        return payer is null ? balances : balances.ForPayer(payer);
    }

    /// <summary>Up to <paramref name="limit"/> entries from sequence <paramref name="from"/>, with the book's head.</summary>
    public async Task<LedgerEntriesPage> EntriesAsync(long from, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(from, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxEntriesPage);
        string book = LedgerEntries.MainBook;
        var page = new List<RecordedLedgerEntry>();
        await foreach (var stored in ledger.ReadRecordedAsync(book, from, cancellationToken).ConfigureAwait(false))
        {
            if (page.Count == limit)
            {
                break;
            }

            page.Add(new RecordedLedgerEntry(stored.Entry ?? throw new InvalidDataException("Ledger " + stored.Unreadable!.Row), stored.RecordedAt));
        }

        var head = await ledger.HeadAsync(book, cancellationToken).ConfigureAwait(false);
        return new LedgerEntriesPage(book, head, page, page.Count == limit ? from + limit : null);
    }

    /// <summary>
    /// The proof of <paramref name="entryId"/>. With <paramref name="payer"/> set, an entry that does not book that payer is
    /// not found: a payer learns nothing about entries that are not its own.
    /// </summary>
    public async Task<LedgerProofResult> ProofAsync(string entryId, string? payer, CancellationToken cancellationToken)
    {
        string book = LedgerEntries.MainBook;
        var entry = await ledger.GetAsync(book, entryId, cancellationToken).ConfigureAwait(false);
        if (entry is null || payer is not null && entry.Metadata.GetValueOrDefault("payer") != payer)
        {
            return new LedgerProofResult.NotFound();
        }

        var anchor = await CoveringAnchorAsync(book, entry.Sequence, cancellationToken).ConfigureAwait(false);
        if (anchor is null)
        {
            return new LedgerProofResult.NotAnchored(entry);
        }

        var hashes = new List<string>();
        await foreach (var e in ledger.ReadAsync(book, anchor.Content.FromSeq, cancellationToken).ConfigureAwait(false))
        {
            if (e.Sequence > anchor.Content.ToSeq)
            {
                break;
            }

            hashes.Add(e.Hash);
        }

        int index = checked((int)(entry.Sequence - anchor.Content.FromSeq));
        if (hashes.Count != anchor.Content.ToSeq - anchor.Content.FromSeq + 1)
        {
            return new LedgerProofResult.Damaged(anchor);
        }

        var proof = MerkleTree.Proof(hashes, index);
        string signer = (await authority.GetAsync(cancellationToken).ConfigureAwait(false)).PublicKey.ToString();
        return new LedgerProofResult.Found(entry, anchor, signer, proof, MerkleTree.Verify(entry.Hash, proof, anchor.Content.RootHex));
    }

    /// <summary>The on-chain anchor covering <paramref name="sequence"/>: the table's row if the chain backs it, else a chain scan.</summary>
    private async Task<OnChainAnchor?> CoveringAnchorAsync(string book, long sequence, CancellationToken cancellationToken)
    {
        if (!authority.IsConfigured)
        {
            return null;
        }

        var key = (await authority.GetAsync(cancellationToken).ConfigureAwait(false)).PublicKey;
        var reader = new AnchorChainReader(rpc);
        var row = (await anchors.ListAsync(book, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(a => a.Status == AnchorStatus.Confirmed && a.Signature is not null && a.FromSeq <= sequence && sequence <= a.ToSeq);
        if (row is not null && await reader.GetAsync(key, authority.LedgerName, book, row.Signature!, cancellationToken).ConfigureAwait(false) is { } backed
            && backed.Content == row.Content)
        {
            return backed;
        }

        var (linked, _) = AnchorChain.Link(await reader.ReadAllAsync(key, authority.LedgerName, book, cancellationToken).ConfigureAwait(false));
        return linked.FirstOrDefault(a => a.Content.FromSeq <= sequence && sequence <= a.Content.ToSeq);
    }
}
