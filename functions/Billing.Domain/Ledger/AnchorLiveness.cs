namespace Billing.Domain.Ledger;

/// <summary>
/// Whether a book's anchoring is alive, judged by the chain alone: the newest anchor or heartbeat signed by the authority
/// (its block time, never a row's recorded time, which storage writers control) must be younger than
/// <c>maxSilence</c>; and every heartbeat must name an anchor the chain has (or none: sequence 0).
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
        var known = anchors.Select(a => (a.Content.ToSeq, a.Content.RootHex)).ToHashSet();
        foreach (var beat in heartbeats.Where(h => h.Content.ToSeq > 0 && !known.Contains((h.Content.ToSeq, h.Content.RootHex))).DistinctBy(h => h.Content))
        {
            problems.Add(new LedgerProblem(LedgerProblemKind.HeartbeatMismatch, beat.Content.ToSeq, null, string.Create(CultureInfo.InvariantCulture,
                $"heartbeat (transaction {beat.Signature}) names sequence {beat.Content.ToSeq} with root {beat.Content.RootHex}, but no anchor on chain ends there with that root")));
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
}
