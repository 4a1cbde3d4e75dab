namespace Billing.Domain.Ledger;

/// <summary>
/// Whether a book's anchoring is alive, judged by the chain alone: the newest anchor or heartbeat signed by the authority
/// (its block time, never a row's recorded time, which storage writers control) must be younger than
/// <c>maxSilence</c>; and every heartbeat must name the book's newest anchor on chain before it (by slot), or none
/// (sequence 0) when there was none: the anchoring service names the newest anchor it read from the chain, so a heartbeat
/// naming an older one, or none, says it was shown a book without the newer anchors (storage cut back, or another signer).
/// </summary>
public static class AnchorLiveness
{
    /// <param name="anchors">Every anchor of the book on chain (linked or not: any memo the authority signed shows it was alive).</param>
    /// <param name="heartbeats">Every heartbeat of the book on chain.</param>
    /// <param name="hasEntries">Whether the book has entries (a book with none and nothing on chain is not stalled).</param>
    /// <param name="now">The verification instant.</param>
    /// <param name="maxSilence">The heartbeat interval plus the anchoring interval and grace.</param>
    public static IReadOnlyList<LedgerProblem> Check(IReadOnlyList<OnChainAnchor> anchors, IReadOnlyList<OnChainHeartbeat> heartbeats, bool hasEntries, DateTimeOffset now, TimeSpan maxSilence)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(heartbeats);
        var problems = new List<LedgerProblem>();
        var reported = new HashSet<HeartbeatMemoContent>();
        foreach (var (beat, detail) in Mismatches(anchors, heartbeats).Where(m => reported.Add(m.Beat.Content)))
        {
            problems.Add(new LedgerProblem(LedgerProblemKind.HeartbeatMismatch, beat.Content.ToSeq, null, detail));
        }

        // Nothing on chain (or no block time known): no chain time to judge by; NotAnchored (by the rows' times) is all there is.
        var times = anchors.Select(a => a.BlockTime).Concat(heartbeats.Select(h => h.BlockTime)).OfType<DateTimeOffset>().ToList();
        if (times.Count > 0 && (hasEntries || heartbeats.Count > 0))
        {
            DateTimeOffset newest = times.Max();
            DateTimeOffset cutoff = now - maxSilence;
            if (newest < cutoff)
            {
                long through = anchors.Count == 0 ? 0 : anchors.Max(a => a.Content.ToSeq);
                problems.Add(new LedgerProblem(LedgerProblemKind.AnchoringStalled, through, null, string.Create(CultureInfo.InvariantCulture,
                    $"the newest anchor or heartbeat on chain has block time {newest:u}, before {cutoff:u}: anchoring stopped (anchored through sequence {through}); entries after it are not protected, whatever their rows' times say")));
            }
        }

        return problems;
    }

    /// <summary>
    /// Each heartbeat that does not name the newest anchor on chain in a slot before its own (none: sequence 0), with why;
    /// anchors and heartbeats swept once in slot order.
    /// </summary>
    private static IEnumerable<(OnChainHeartbeat Beat, string Detail)> Mismatches(IReadOnlyList<OnChainAnchor> anchors, IReadOnlyList<OnChainHeartbeat> heartbeats)
    {
        var anywhere = anchors.Select(a => (a.Content.ToSeq, a.Content.RootHex)).ToHashSet();
        var bySlot = anchors.OrderBy(a => a.Slot).ToList();
        var before = new HashSet<(long ToSeq, string RootHex)>();
        OnChainAnchor? newest = null;
        int next = 0;
        foreach (var beat in heartbeats.OrderBy(h => h.Slot))
        {
            for (; next < bySlot.Count && bySlot[next].Slot < beat.Slot; next++)
            {
                before.Add((bySlot[next].Content.ToSeq, bySlot[next].Content.RootHex));
                newest = newest is null || bySlot[next].Content.ToSeq > newest.Content.ToSeq ? bySlot[next] : newest;
            }

            var c = beat.Content;
            if (c.ToSeq == (newest?.Content.ToSeq ?? 0) && (c.ToSeq == 0 || before.Contains((c.ToSeq, c.RootHex))))
            {
                continue;
            }

            if (c.ToSeq > 0 && !anywhere.Contains((c.ToSeq, c.RootHex)))
            {
                yield return (beat, string.Create(CultureInfo.InvariantCulture,
                    $"heartbeat (transaction {beat.Signature}) names sequence {c.ToSeq} with root {c.RootHex}, but no anchor on chain ends there with that root"));
                continue;
            }

            string named = c.ToSeq == 0 ? "no anchor (sequence 0)" : string.Create(CultureInfo.InvariantCulture, $"sequence {c.ToSeq}");
            string expected = newest is null ? "none" : string.Create(CultureInfo.InvariantCulture, $"anchor {newest.Range} (transaction {newest.Signature}, slot {newest.Slot})");
            yield return (beat, string.Create(CultureInfo.InvariantCulture, $"heartbeat (transaction {beat.Signature}, slot {beat.Slot}) names {named}, but the newest anchor on chain before it is {expected}"));
        }
    }
}
