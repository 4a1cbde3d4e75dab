namespace Billing.Application.Ledger;

/// <summary>
/// The book's history under the retired anchor authorities (<see cref="LedgerOptions.RetiredAnchorAuthorities"/>): the
/// newest anchor one of them put on chain, and whether the book still gives its root. The anchor run checks it before the
/// current key's first anchor (that anchor covers the book from its first entry, with no link to the earlier key's
/// anchors), and verify checks it every time, so a book rewritten around a change of the key is never anchored unnoticed.
/// </summary>
internal static class RetiredAnchors
{
    /// <summary>
    /// The newest anchor of the book on chain among the retired keys' (with the key), or null; and, when the newest
    /// confirmed row recorded as a retired key's is not backed by that key's memo on chain, why. The rows only say where
    /// to start reading each key's memos: a deleted row still leaves its memo to be found.
    /// </summary>
    public static async Task<((PublicKey Key, OnChainAnchor Anchor)? Tip, string? Unbacked)> ReadAsync(
        AnchorChainReader chain, IReadOnlyList<PublicKey> keys, IReadOnlyList<LedgerAnchor> rows, string ledger, string book, CancellationToken cancellationToken)
    {
        (PublicKey Key, OnChainAnchor Anchor)? newest = null;
        string? unbacked = null;
        foreach (var key in keys)
        {
            string name = key.ToString();
            var row = rows.Where(r => r.IsConfirmedWithSignature && r.Signer == name).MaxBy(r => r.ToSeq);
            var tip = await chain.LatestAsync(key, ledger, book, row?.Signature, cancellationToken).ConfigureAwait(false);
            if (row is not null && (tip is null || tip.Content.ToSeq < row.ToSeq || (tip.Content.ToSeq == row.ToSeq && tip.Content != row.Content)))
            {
                unbacked ??= $"the newest anchor row of the retired authority {name} ({row.FromSeq}-{row.ToSeq}, root {row.RootHex}, transaction {row.Signature}) is not backed by a memo that key signed";
            }

            if (tip is not null && (newest is null || tip.Content.ToSeq > newest.Value.Anchor.Content.ToSeq))
            {
                newest = (key, tip);
            }
        }

        return (newest, unbacked);
    }

    /// <summary>Why the book's entries in <paramref name="tip"/>'s range no longer give its root (each entry read, its hash checked), or null when they do.</summary>
    public static async Task<string?> BookMismatchAsync(LedgerStore ledger, string book, (PublicKey Key, OnChainAnchor Anchor) tip, CancellationToken cancellationToken)
    {
        var c = tip.Anchor.Content;
        var hashes = new List<string>();
        await foreach (var stored in ledger.ReadRecordedAsync(book, c.FromSeq, c.ToSeq, cancellationToken).ConfigureAwait(false))
        {
            if (stored.Entry is not { HashIsValid: true } entry || entry.Sequence != c.FromSeq + hashes.Count)
            {
                break;
            }

            hashes.Add(entry.Hash);
        }

        return hashes.Count == c.ToSeq - c.FromSeq + 1 && MerkleTree.Root(hashes) == c.RootHex
            ? null
            : $"entries {tip.Anchor.Range} no longer give the root {c.RootHex} the retired authority {tip.Key} anchored in transaction {tip.Anchor.Signature}";
    }
}
