namespace Billing.Application.Ledger;

/// <summary>
/// The handover to a new anchor authority: its first anchor covers the book from the first entry, with no link to the
/// anchors the earlier key signed, so before it the run checks that the book still gives the root of the newest anchor a
/// retired authority (<see cref="LedgerOptions.RetiredAnchorAuthorities"/>) put on chain, and that the newest row recorded
/// as a retired key's is backed by that key's memo. Otherwise an insider who rewrote the book just before the change would
/// get the rewrite anchored under the new key.
/// </summary>
public sealed partial class LedgerAnchorService
{
    /// <summary>Why the current key, which has no anchor of the book on chain yet, must not anchor it; null when it may (or no retired key is listed).</summary>
    private async Task<string?> HandoverRefusalAsync(string book, CancellationToken cancellationToken)
    {
        if (authority.Retired.Count == 0)
        {
            return null;
        }

        var rows = (await anchors.ListRowsAsync(book, cancellationToken).ConfigureAwait(false)).Anchors;
        var (tip, unbacked) = await RetiredAnchors.ReadAsync(chain, authority.Retired, rows, authority.LedgerName, book, cancellationToken).ConfigureAwait(false);
        if (unbacked is not null)
        {
            return unbacked;
        }

        return tip is { } newest ? await RetiredAnchors.BookMismatchAsync(ledger, book, newest, cancellationToken).ConfigureAwait(false) : null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Ledger anchoring refused before the anchor authority's first anchor: {Reason}. The book must give the newest root a retired anchor authority put on chain; nothing is anchored until it does. Run ledger verify")]
    private static partial void LogHandoverRefused(ILogger logger, string reason);
}
