namespace Billing.Application.Ledger;

/// <summary>
/// The ledger's read side: balances, pages of entries with every hashed field, and the Merkle inclusion proof of one
/// entry in the on-chain anchor that covers it. The anchor is taken from the chain (the table only says where to look).
/// </summary>
public sealed class LedgerReader(LedgerStore ledger, AnchorStore anchors, AnchorAuthority authority, ISolanaRpcClient rpc)
{
    public const int MaxEntriesPage = 1000;

    /// <summary>Covering rows a proof checks on chain, at most (one transaction read each).</summary>
    public const int MaxCoveringRowsChecked = 4;

    private readonly LedgerBalanceCache balances = new(ledger, LedgerEntries.MainBook);

    /// <summary>
    /// Balances of the main book, of one payer's accounts when <paramref name="payer"/> is set, reading only the entries
    /// appended since this reader's last call (<see cref="LedgerBalanceCache"/>, which also says why a rewrite below them
    /// is <c>ledger verify</c>'s to find). An entry row that cannot be read is an <see cref="InvalidDataException"/>
    /// naming it: a sum without it would be wrong, not partial.
    /// </summary>
    public async Task<Balances> BalancesAsync(string? payer, CancellationToken cancellationToken)
    {
        var balances = await this.balances.GetAsync(cancellationToken).ConfigureAwait(false);
        return payer is null ? balances : balances.ForPayer(payer);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> rows from sequence <paramref name="from"/>, with the book's head. A row that cannot
    /// be read is listed apart, never the reason the page fails: the rest of the book stays readable and checkable.
    /// </summary>
    public async Task<LedgerEntriesPage> EntriesAsync(long from, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(from, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxEntriesPage);
        string book = LedgerEntries.MainBook;
        var page = new List<RecordedLedgerEntry>();
        var unreadable = new List<StoredLedgerRow>();
        await foreach (var stored in ledger.ReadRecordedAsync(book, from, cancellationToken).ConfigureAwait(false))
        {
            if (page.Count + unreadable.Count == limit)
            {
                break;
            }

            if (stored.Entry is { } entry)
            {
                page.Add(new RecordedLedgerEntry(entry, stored.RecordedAt));
            }
            else
            {
                unreadable.Add(stored);
            }
        }

        LedgerHead? head = null;
        string? headUnreadable = null;
        try
        {
            head = await ledger.HeadAsync(book, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            headUnreadable = ex.Message;
        }

        return new LedgerEntriesPage(book, head, page, page.Count + unreadable.Count == limit ? from + limit : null)
        {
            Unreadable = unreadable,
            HeadUnreadable = headUnreadable,
        };
    }

    /// <summary>
    /// The proof of <paramref name="entryId"/>. With <paramref name="payer"/> set, an entry that does not book that payer is
    /// not found: a payer learns nothing about entries that are not its own. The covering anchor is found through the
    /// anchors table only, so an entry newer than the last anchor costs no chain reads.
    /// </summary>
    public Task<LedgerProofResult> ProofAsync(string entryId, string? payer, CancellationToken cancellationToken) =>
        ProofAsync(entryId, payer, searchChain: false, cancellationToken);

    /// <summary>
    /// As <see cref="ProofAsync(string, string?, CancellationToken)"/>; with <paramref name="searchChain"/> (finance only)
    /// an entry below the newest stored anchor whose own anchor row is lost, unreadable, edited or not backed by its
    /// transaction is searched for on chain, reading the authority's whole memo history. An entry newer than every stored
    /// anchor is not anchored without a chain read either way (ledger verify reads the chain).
    /// </summary>
    public async Task<LedgerProofResult> ProofAsync(string entryId, string? payer, bool searchChain, CancellationToken cancellationToken)
    {
        string book = LedgerEntries.MainBook;
        LedgerEntry? entry;
        try
        {
            entry = await ledger.GetAsync(book, entryId, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            // Whose entry it is cannot be read either: to a payer it does not exist, finance learns which row to repair.
            return payer is null ? new LedgerProofResult.Unreadable(ex.Message) : new LedgerProofResult.NotFound();
        }

        if (entry is null || payer is not null && entry.Metadata.GetValueOrDefault("payer") != payer)
        {
            return new LedgerProofResult.NotFound();
        }

        var anchor = await CoveringAnchorAsync(book, entry.Sequence, searchChain, cancellationToken).ConfigureAwait(false);
        if (anchor is null)
        {
            return new LedgerProofResult.NotAnchored(entry);
        }

        // Siblings need only their stored hashes: another entry's row that cannot be read still gives its hash when that is
        // text, so one tampered row does not take every other entry's proof with it.
        var hashes = new List<string>();
        await foreach (var e in ledger.ReadRecordedAsync(book, anchor.Content.FromSeq, cancellationToken).ConfigureAwait(false))
        {
            if (e.Sequence > anchor.Content.ToSeq)
            {
                break;
            }

            if ((e.Entry?.Hash ?? e.Unreadable!.StoredHash) is not { } hash)
            {
                return new LedgerProofResult.Unreadable("Ledger " + e.Unreadable!.Row);
            }

            if (!LedgerEncoding.IsHash(hash))
            {
                return new LedgerProofResult.Unreadable(string.Create(CultureInfo.InvariantCulture, $"the stored hash of ledger entry {e.Sequence} is not a hash"));
            }

            hashes.Add(hash);
        }

        int index = checked((int)(entry.Sequence - anchor.Content.FromSeq));
        if (hashes.Count != anchor.Content.ToSeq - anchor.Content.FromSeq + 1)
        {
            return new LedgerProofResult.Damaged(anchor);
        }

        var proof = MerkleTree.Proof(hashes, index);
        string signer = (await authority.GetAsync(cancellationToken).ConfigureAwait(false)).PublicKey.ToString();
        // The leaf is the stored hash: proven only when the fields shown (amounts, accounts) still give it.
        return new LedgerProofResult.Found(entry, anchor, signer, proof, entry.HashIsValid && MerkleTree.Verify(entry.Hash, proof, anchor.Content.RootHex));
    }

    /// <summary>
    /// The on-chain anchor covering <paramref name="sequence"/>: a confirmed row of the table that the chain backs (the
    /// authority's own rows first, then those of unknown signer, at most <see cref="MaxCoveringRowsChecked"/>; a row
    /// recorded as another key's, an earlier authority's, is never read). Without such a row, a chain scan (every memo of the authority) only with <paramref name="searchChain"/> and only when a
    /// stored anchor reaches past the sequence, so one should cover it (a row lost, e.g. a pending row discarded after its
    /// memo landed, or one changed outside the platform). Payers never cause a scan: it is thousands of RPCs, repeatable.
    /// </summary>
    private async Task<OnChainAnchor?> CoveringAnchorAsync(string book, long sequence, bool searchChain, CancellationToken cancellationToken)
    {
        if (!authority.IsConfigured)
        {
            return null;
        }

        var key = (await authority.GetAsync(cancellationToken).ConfigureAwait(false)).PublicKey;
        var reader = new AnchorChainReader(rpc);
        string signer = key.ToString();
        var confirmed = (await anchors.ListRowsAsync(book, cancellationToken).ConfigureAwait(false)).Anchors
            .Where(a => a.IsConfirmedWithSignature && a.MayBeSignedBy(signer)).ToList();
        var covering = confirmed.Where(a => a.FromSeq <= sequence && sequence <= a.ToSeq).OrderBy(a => a.Signer == signer ? 0 : 1).Take(MaxCoveringRowsChecked);
        foreach (var row in covering)
        {
            // One row the key did not sign (an earlier key's of unknown signer, or planted) does not hide the one it did.
            if (await reader.GetAsync(key, authority.LedgerName, book, row.Signature!, cancellationToken).ConfigureAwait(false) is { } backed && backed.Content == row.Content)
            {
                return backed;
            }
        }

        if (!searchChain || !confirmed.Exists(a => a.ToSeq >= sequence))
        {
            return null;
        }

        var (linked, _) = AnchorChain.Link(await reader.ReadAllAsync(key, authority.LedgerName, book, cancellationToken).ConfigureAwait(false));
        return linked.FirstOrDefault(a => a.Content.FromSeq <= sequence && sequence <= a.Content.ToSeq);
    }
}
