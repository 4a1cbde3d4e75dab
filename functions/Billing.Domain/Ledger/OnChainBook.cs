namespace Billing.Domain.Ledger;

/// <summary>
/// What the chain holds for one book, gathered memo by memo from what <see cref="BookMemos.Prefixes"/> finds (for the
/// platform's verify and the CLI's independent verifier alike): its anchors, its heartbeats, and the memos under its
/// heartbeat prefix that the platform never writes (<see cref="HeartbeatMemo.TryParse"/> rejects them). Those are
/// reported and never count as a sign of life: only the authority's key signs there, so one means the key wrote memos
/// the anchoring service did not.
/// </summary>
public sealed class OnChainBook(string ledger, string book)
{
    private readonly string heartbeatPrefix = BookMemos.Prefixes(ledger, book)[1];

    public List<OnChainAnchor> Anchors { get; } = [];

    public List<OnChainHeartbeat> Heartbeats { get; } = [];

    /// <summary>Memos under the book's heartbeat prefix that are no heartbeat the platform writes, with their transaction.</summary>
    public List<(string Memo, string Signature, ulong Slot)> Rejected { get; } = [];

    /// <summary>Sorts <paramref name="text"/>, read in transaction <paramref name="signature"/>, into the book's memos (or none).</summary>
    public void Add(string text, string signature, ulong slot, long? blockTimeUnixSeconds)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (anchor, beat) = BookMemos.Read(ledger, book, text, signature, slot, blockTimeUnixSeconds);
        if (anchor is not null)
        {
            Anchors.Add(anchor);
        }
        else if (beat is not null)
        {
            Heartbeats.Add(beat);
        }
        else if (text.StartsWith(heartbeatPrefix, StringComparison.Ordinal))
        {
            Rejected.Add((text, signature, slot));
        }
    }

    /// <summary>The rejected memos as <see cref="LedgerProblemKind.HeartbeatMismatch"/>, then <see cref="AnchorLiveness.Check"/>.</summary>
    public IReadOnlyList<LedgerProblem> Liveness(bool hasEntries, DateTimeOffset now, TimeSpan maxSilence) =>
    [
        .. Rejected.Select(r => new LedgerProblem(LedgerProblemKind.HeartbeatMismatch, 0, null, string.Create(CultureInfo.InvariantCulture,
            $"memo {Quoted(r.Memo)} (transaction {r.Signature}, slot {r.Slot}) is under the book's heartbeat prefix but is no heartbeat the platform writes; not counted as a sign of life"))),
        .. AnchorLiveness.Check(Anchors, Heartbeats, hasEntries, now, maxSilence),
    ];

    /// <summary>The memo as a JSON string, cut at 200 characters: it may hold anything, line breaks included.</summary>
    private static string Quoted(string memo) => JsonSerializer.Serialize(memo.Length > 200 ? memo[..200] + "…" : memo);
}
