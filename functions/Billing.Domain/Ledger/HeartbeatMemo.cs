namespace Billing.Domain.Ledger;

/// <summary>
/// The Solana Memo of a ledger heartbeat: <c>billing:heartbeat:v1:{ledger}:{book}:{toSeq}:{rootHex}</c>, naming the
/// newest anchor the anchoring service read from the chain (<c>0</c> and 64 zeros when the book has none). Sent when a book has
/// nothing new to anchor for a while, so the chain alone shows that anchoring is alive: a quiet book and a stalled
/// anchorer otherwise look the same (an old newest anchor). Sequences in decimal without leading zeros.
/// </summary>
public static class HeartbeatMemo
{
    public const string Prefix = "billing:heartbeat:v1:";

    public static string Format(HeartbeatMemoContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Format(content.Ledger, content.Book, content.ToSeq, content.RootHex);
    }

    public static string Format(string ledger, string book, long toSeq, string rootHex)
    {
        AnchorMemo.RequireLedgerAndBook(ledger, book);
        ArgumentOutOfRangeException.ThrowIfNegative(toSeq);
        if (!LedgerEncoding.IsHash(rootHex) || (toSeq == 0) != (rootHex == AnchorMemo.NoPreviousRoot))
        {
            throw new ArgumentException($"'{rootHex}' is not a root hash (64 lower-case hex digits; 64 zeros for sequence 0 and only then).", nameof(rootHex));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}{ledger}:{book}:{toSeq}:{rootHex}");
    }

    /// <summary>
    /// Parses exactly the form <see cref="Format(HeartbeatMemoContent)"/> writes; anything else is false, including a
    /// sequence with 64 zeros or 0 with a root (an anchor's root is a SHA-256, 64 zeros only stand for no anchor).
    /// </summary>
    public static bool TryParse(string? memo, [NotNullWhen(true)] out HeartbeatMemoContent? content)
    {
        content = null;
        if (!AnchorMemo.TrySplit(memo, Prefix, 4, out var parts) || !LedgerEncoding.IsHash(parts[3]))
        {
            return false;
        }

        ReadOnlySpan<char> seq = parts[2];
        long toSeq = 0;
        bool valid = seq is "0" ? parts[3] == AnchorMemo.NoPreviousRoot : AnchorMemo.TryParseSequence(seq, out toSeq) && parts[3] != AnchorMemo.NoPreviousRoot;
        if (!valid)
        {
            return false;
        }

        content = new HeartbeatMemoContent(parts[0], parts[1], toSeq, parts[3]);
        return true;
    }
}
