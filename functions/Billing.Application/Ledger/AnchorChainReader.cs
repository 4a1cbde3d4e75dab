namespace Billing.Application.Ledger;

/// <summary>
/// Reads a book's anchors from the chain: memos signed by the anchor authority that name this ledger and book. The
/// anchors table never decides what is on chain; at most it tells where to start looking (<see cref="LatestAsync"/>).
/// </summary>
public sealed class AnchorChainReader(ISolanaRpcClient rpc)
{
    private readonly SignedMemoReader memos = new(rpc);

    /// <summary>Every anchor of the book on chain (oldest first, unlinked; see <see cref="AnchorChain.Link"/>).</summary>
    public async Task<IReadOnlyList<OnChainAnchor>> ReadAllAsync(PublicKey authority, string ledger, string book, CancellationToken cancellationToken)
    {
        var list = new List<OnChainAnchor>();
        await foreach (var anchor in ReadAsync(authority, ledger, book, null, cancellationToken).ConfigureAwait(false))
        {
            list.Add(anchor);
        }

        list.Reverse();
        return list;
    }

    /// <summary>
    /// The book's anchor with the highest range on chain, or null when it has none. <paramref name="hintSignature"/> (the
    /// newest anchor transaction storage knows of) only shortens the search: the memos newer than it are read, and the
    /// hint itself counts only if the chain shows it is an anchor of this book signed by the authority; otherwise the
    /// whole history is read.
    /// </summary>
    public async Task<OnChainAnchor?> LatestAsync(PublicKey authority, string ledger, string book, string? hintSignature, CancellationToken cancellationToken)
    {
        if (hintSignature is not null)
        {
            OnChainAnchor? hinted = await GetAsync(authority, ledger, book, hintSignature, cancellationToken).ConfigureAwait(false);
            if (hinted is not null)
            {
                OnChainAnchor? newest = hinted;
                await foreach (var anchor in ReadAsync(authority, ledger, book, hintSignature, cancellationToken).ConfigureAwait(false))
                {
                    newest = anchor.Content.ToSeq > newest.Content.ToSeq ? anchor : newest;
                }

                return newest;
            }
        }

        OnChainAnchor? latest = null;
        await foreach (var anchor in ReadAsync(authority, ledger, book, null, cancellationToken).ConfigureAwait(false))
        {
            latest = latest is null || anchor.Content.ToSeq > latest.Content.ToSeq ? anchor : latest;
        }

        return latest;
    }

    /// <summary>The anchor transaction <paramref name="signature"/> if the chain shows it is one of this book's, signed by the authority.</summary>
    public async Task<OnChainAnchor?> GetAsync(PublicKey authority, string ledger, string book, string signature, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authority);
        var tx = await rpc.GetTransactionAsync(signature, Commitment.Confirmed, cancellationToken).ConfigureAwait(false);
        if (tx?.Meta is null || tx.Meta.Error is not null || !tx.IsSigner(authority.ToString()))
        {
            return null;
        }

        foreach (string text in SignedMemoReader.Memos(tx))
        {
            if (AnchorMemo.TryParse(text, out var content) && content.Ledger == ledger && content.Book == book)
            {
                return new OnChainAnchor(content, signature, tx.Slot, BlockTime(tx.BlockTime));
            }
        }

        return null;
    }

    private async IAsyncEnumerable<OnChainAnchor> ReadAsync(PublicKey authority, string ledger, string book, string? until,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string prefix = $"{AnchorMemo.Prefix}{ledger}:{book}:";
        await foreach (var memo in memos.ReadAsync(authority, prefix, until, cancellationToken).ConfigureAwait(false))
        {
            if (AnchorMemo.TryParse(memo.Text, out var content) && content.Ledger == ledger && content.Book == book)
            {
                yield return new OnChainAnchor(content, memo.Signature, memo.Slot, BlockTime(memo.BlockTime));
            }
        }
    }

    private static DateTimeOffset? BlockTime(long? unixSeconds) => unixSeconds is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : null;
}
