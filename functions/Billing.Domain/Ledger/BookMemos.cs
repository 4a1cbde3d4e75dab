namespace Billing.Domain.Ledger;

/// <summary>
/// A book's anchoring memos as read from the chain, for the platform's reader and the CLI's independent verifier alike:
/// the prefixes that find them, and each memo told apart as an anchor or a heartbeat of exactly this ledger and book.
/// </summary>
public static class BookMemos
{
    /// <summary>The book's anchor and heartbeat memo prefixes, in that order (a list: a reader may drop the heartbeats').</summary>
    public static List<string> Prefixes(string ledger, string book) => [$"{AnchorMemo.Prefix}{ledger}:{book}:", $"{HeartbeatMemo.Prefix}{ledger}:{book}:"];

    /// <summary>
    /// The anchor or the heartbeat of <paramref name="ledger"/> and <paramref name="book"/> that <paramref name="text"/> is,
    /// read in transaction <paramref name="signature"/> (at most one of the pair set; neither for any other memo).
    /// </summary>
    public static (OnChainAnchor? Anchor, OnChainHeartbeat? Heartbeat) Read(string ledger, string book, string text, string signature, ulong slot, long? blockTimeUnixSeconds)
    {
        DateTimeOffset? blockTime = blockTimeUnixSeconds is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : null;
        if (AnchorMemo.TryParse(text, out var anchor) && anchor.Ledger == ledger && anchor.Book == book)
        {
            return (new OnChainAnchor(anchor, signature, slot, blockTime), null);
        }

        return HeartbeatMemo.TryParse(text, out var beat) && beat.Ledger == ledger && beat.Book == book
            ? (null, new OnChainHeartbeat(beat, signature, slot, blockTime))
            : (null, null);
    }
}
