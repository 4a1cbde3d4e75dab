namespace Billing.Application.Ledger;

/// <summary>
/// Verify across a change of the anchor authority: the rows an earlier key signed, judged against that key's memos only
/// when it is listed in <see cref="LedgerOptions.RetiredAnchorAuthorities"/>, and the book against the newest anchor a
/// retired key put on chain (the current key's anchors do not link to it).
/// </summary>
public sealed partial class LedgerAudit
{
    /// <summary>
    /// A confirmed row recorded as another key's than the current authority: backed when that key is listed in
    /// <see cref="LedgerOptions.RetiredAnchorAuthorities"/> and the row's transaction is its memo of this row; a key not
    /// listed is never believed (anyone with storage access can write the column).
    /// </summary>
    private async Task<AuditProblem?> RetiredRowProblemAsync(LedgerAnchor row, string subject, PublicKey? current, CancellationToken cancellationToken)
    {
        var retired = authority.Retired.Where(k => k.ToString() == row.Signer).ToList();
        if (retired.Count == 0)
        {
            return new("AnchorNotOnChain", subject,
                $"the anchors table records transaction {row.Signature} with root {row.RootHex} as signed by {row.Signer}, which is neither the anchor authority {current} nor listed in {LedgerOptions.RetiredAnchorAuthoritiesSetting}");
        }

        return await BackedByRetiredAsync(row, retired, cancellationToken).ConfigureAwait(false)
            ? null
            : new("AnchorNotOnChain", subject, $"the anchors table records transaction {row.Signature} with root {row.RootHex}, but no anchor memo signed by the retired authority {row.Signer} carries that");
    }

    /// <summary>Whether the row's transaction is, on chain, its anchor memo (this ledger, book, range and roots), not failed, signed by one of <paramref name="keys"/>.</summary>
    private async Task<bool> BackedByRetiredAsync(LedgerAnchor row, IReadOnlyList<PublicKey> keys, CancellationToken cancellationToken) =>
        keys.Count > 0 && row.Signature is { } signature
        && await new AnchorChainReader(rpc).GetSignedByAnyAsync(keys, authority.LedgerName, row.Book, signature, cancellationToken).ConfigureAwait(false) is { } landed
        && landed.Content == row.Content;

    /// <summary>
    /// <c>RetiredAnchorMismatch</c> when the book no longer gives the root of the newest anchor the retired keys put on
    /// chain: history rewritten around the change of the key (the current key's first anchor run refuses it; one made
    /// before that check existed anchored the rewrite).
    /// </summary>
    private async Task<AuditProblem?> RetiredHistoryProblemAsync(string book, IReadOnlyList<LedgerAnchor> rows, CancellationToken cancellationToken)
    {
        if (authority.Retired.Count == 0)
        {
            return null;
        }

        var (tip, _) = await RetiredAnchors.ReadAsync(new AnchorChainReader(rpc), authority.Retired, rows, authority.LedgerName, book, cancellationToken).ConfigureAwait(false);
        return tip is { } newest && await RetiredAnchors.BookMismatchAsync(ledger, book, newest, cancellationToken).ConfigureAwait(false) is { } mismatch
            ? new(nameof(LedgerProblemKind.RetiredAnchorMismatch), $"anchor {newest.Anchor.Range}", mismatch + "; the book was rewritten after that key anchored it (the current authority's first anchor run refuses such a book)")
            : null;
    }
}
