using System.Runtime.CompilerServices;

namespace Billing.Application.Ledger;

/// <summary>
/// Reads a book's anchors (and heartbeats) from the chain: memos signed by the anchor authority that name this ledger and book. The
/// anchors table never decides what is on chain; at most it tells where to start looking (<see cref="LatestAsync"/>).
/// </summary>
public sealed class AnchorChainReader(ISolanaRpcClient rpc)
{
    private readonly SignedMemoReader memos = new(rpc);

    /// <summary>Every anchor of the book on chain (oldest first, unlinked; see <see cref="AnchorChain.Link"/>).</summary>
    public async Task<IReadOnlyList<OnChainAnchor>> ReadAllAsync(PublicKey authority, string ledger, string book, CancellationToken cancellationToken) =>
        (await ReadBookAsync(authority, ledger, book, cancellationToken).ConfigureAwait(false)).Anchors;

    /// <summary>Every anchor and every heartbeat of the book on chain (each oldest first), and the memos under its heartbeat prefix the platform never writes, read in one pass over the authority's memos.</summary>
    public async Task<OnChainBook> ReadBookAsync(PublicKey authority, string ledger, string book, CancellationToken cancellationToken)
    {
        var onChain = new OnChainBook(ledger, book);
        await foreach (var memo in memos.ReadAsync(authority, BookMemos.Prefixes(ledger, book), null, cancellationToken).ConfigureAwait(false))
        {
            onChain.Add(memo.Text, memo.Signature, memo.Slot, memo.BlockTime);
        }

        onChain.Anchors.Reverse();
        onChain.Heartbeats.Reverse();
        return onChain;
    }

    /// <summary>
    /// The book's anchor with the highest range on chain, or null when it has none. <paramref name="hintSignature"/> (the
    /// newest anchor transaction storage knows of) only shortens the search: the memos newer than it are read, and the
    /// hint itself counts only if the chain shows it is an anchor of this book signed by the authority; otherwise the
    /// whole history is read.
    /// </summary>
    public async Task<OnChainAnchor?> LatestAsync(PublicKey authority, string ledger, string book, string? hintSignature, CancellationToken cancellationToken) =>
        (await TipAsync(authority, ledger, book, hintSignature, cancellationToken).ConfigureAwait(false)).Anchor;

    /// <summary>
    /// As <see cref="LatestAsync"/>, and in the same pass the book's newest heartbeat newer than the hint (a heartbeat
    /// older than the hinted anchor is older than that anchor, so it never is the newest sign of life).
    /// </summary>
    public async Task<(OnChainAnchor? Anchor, OnChainHeartbeat? Heartbeat)> TipAsync(PublicKey authority, string ledger, string book, string? hintSignature, CancellationToken cancellationToken)
    {
        OnChainAnchor? hinted = hintSignature is null ? null : await GetAsync(authority, ledger, book, hintSignature, cancellationToken).ConfigureAwait(false);
        OnChainAnchor? latest = hinted;
        OnChainHeartbeat? heartbeat = null;
        var prefixes = BookMemos.Prefixes(ledger, book);
        await foreach (var (anchor, beat) in ReadAsync(ledger, book, memos.ReadAsync(authority, prefixes, hinted?.Signature, cancellationToken)).ConfigureAwait(false))
        {
            if (anchor is not null)
            {
                latest = latest is null || anchor.Content.ToSeq > latest.Content.ToSeq ? anchor : latest;
            }
            else
            {
                heartbeat ??= beat; // newest first
                if (prefixes.Count > 1)
                {
                    prefixes.RemoveAt(1); // older heartbeats are not fetched: an idle book gathers one every interval, for years
                }
            }
        }

        return (latest, heartbeat);
    }

    /// <summary>
    /// The book's anchors in the authority's transactions older than <paramref name="before"/> and newer than
    /// <paramref name="until"/> (null: no bound on that side), newest first; heartbeats are not fetched.
    /// </summary>
    public async IAsyncEnumerable<OnChainAnchor> ReadAnchorsBetweenAsync(PublicKey authority, string ledger, string book, string? before, string? until, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var found = memos.ReadAsync(authority, BookMemos.Prefixes(ledger, book)[..1], before, until, cancellationToken);
        await foreach (var (anchor, _) in ReadAsync(ledger, book, found).ConfigureAwait(false))
        {
            if (anchor is not null)
            {
                yield return anchor;
            }
        }
    }

    /// <summary>The anchor transaction <paramref name="signature"/> if the chain shows it is one of this book's, signed by the authority.</summary>
    public async Task<OnChainAnchor?> GetAsync(PublicKey authority, string ledger, string book, string signature, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authority);
        return await GetSignedByAnyAsync([authority], ledger, book, signature, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The anchor transaction <paramref name="signature"/> if the chain shows it is one of this book's, not failed, and
    /// signed by one of <paramref name="authorities"/> (one transaction read, however many keys).
    /// </summary>
    public async Task<OnChainAnchor?> GetSignedByAnyAsync(IReadOnlyCollection<PublicKey> authorities, string ledger, string book, string signature, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        if (authorities.Count == 0)
        {
            return null;
        }

        var tx = await rpc.GetTransactionAsync(signature, Commitment.Confirmed, cancellationToken).ConfigureAwait(false);
        if (tx?.Meta is null || tx.Meta.Error is not null || !authorities.Any(a => tx.IsSigner(a.ToString())))
        {
            return null;
        }

        return SignedMemoReader.Memos(tx).Select(text => BookMemos.Read(ledger, book, text, signature, tx.Slot, tx.BlockTime).Anchor).FirstOrDefault(a => a is not null);
    }

    /// <summary>The book's anchors and heartbeats among <paramref name="found"/> (one of the pair set), newest first.</summary>
    private static async IAsyncEnumerable<(OnChainAnchor? Anchor, OnChainHeartbeat? Heartbeat)> ReadAsync(string ledger, string book, IAsyncEnumerable<SignedMemo> found)
    {
        await foreach (var memo in found.ConfigureAwait(false))
        {
            if (BookMemos.Read(ledger, book, memo.Text, memo.Signature, memo.Slot, memo.BlockTime) is var read && (read.Anchor is not null || read.Heartbeat is not null))
            {
                yield return read;
            }
        }
    }
}
