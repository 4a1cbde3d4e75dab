namespace Billing.Domain.Ledger;

/// <summary>
/// Whether a book's anchoring is alive, judged by the chain alone: the newest anchor or heartbeat signed by the authority
/// (its block time, never a row's recorded time, which storage writers control) must be younger than
/// <c>maxSilence</c>; and every heartbeat must name the book's newest anchor on chain when it was signed, or none
/// (sequence 0) when there was none: the anchoring service names the newest anchor it read from the chain, so a heartbeat
/// naming an older one, or none, says it was shown a book without the newer anchors (storage cut back, or another signer).
/// A heartbeat may land up to <see cref="MaxLandingSlots"/> after it was signed, so an anchor of those slots may be newer.
/// </summary>
public static class AnchorLiveness
{
    /// <summary>
    /// How many slots after an anchor a heartbeat naming the anchor before it may still land: a heartbeat is signed with a
    /// blockhash that lives 150 blocks, a run that cannot confirm it in time leaves it in flight, and the next run may
    /// anchor new entries meanwhile. Twice the blockhash's life, for skipped slots and the chain read's lag.
    /// </summary>
    public const ulong MaxLandingSlots = 300;

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
    /// Each heartbeat that does not name an anchor that was the newest on chain (none: sequence 0) at some slot of the
    /// <see cref="MaxLandingSlots"/> before its own, with why; anchors and heartbeats swept once in slot order.
    /// </summary>
    private static IEnumerable<(OnChainHeartbeat Beat, string Detail)> Mismatches(IReadOnlyList<OnChainAnchor> anchors, IReadOnlyList<OnChainHeartbeat> heartbeats)
    {
        var anywhere = anchors.Select(a => (a.Content.ToSeq, a.Content.RootHex)).ToHashSet();
        var bySlot = anchors.OrderBy(a => a.Slot).ToList();
        var before = new HashSet<(long ToSeq, string RootHex)>();
        OnChainAnchor? newestLongBefore = null; // the newest anchor on chain when the heartbeat was signed, at the latest
        int next = 0, nextLongBefore = 0;
        foreach (var beat in heartbeats.OrderBy(h => h.Slot))
        {
            for (; next < bySlot.Count && bySlot[next].Slot < beat.Slot; next++)
            {
                before.Add((bySlot[next].Content.ToSeq, bySlot[next].Content.RootHex));
            }

            ulong signedBy = beat.Slot > MaxLandingSlots ? beat.Slot - MaxLandingSlots : 0;
            for (; nextLongBefore < bySlot.Count && bySlot[nextLongBefore].Slot < signedBy; nextLongBefore++)
            {
                var a = bySlot[nextLongBefore];
                newestLongBefore = newestLongBefore is null || a.Content.ToSeq > newestLongBefore.Content.ToSeq ? a : newestLongBefore;
            }

            var c = beat.Content;
            bool named = c.ToSeq == 0 || before.Contains((c.ToSeq, c.RootHex));
            if (named && c.ToSeq >= (newestLongBefore?.Content.ToSeq ?? 0))
            {
                continue;
            }

            if (c.ToSeq > 0 && !anywhere.Contains((c.ToSeq, c.RootHex)))
            {
                yield return (beat, string.Create(CultureInfo.InvariantCulture,
                    $"heartbeat (transaction {beat.Signature}) names sequence {c.ToSeq} with root {c.RootHex}, but no anchor on chain ends there with that root"));
                continue;
            }

            string what = c.ToSeq == 0 ? "no anchor (sequence 0)" : string.Create(CultureInfo.InvariantCulture, $"sequence {c.ToSeq}");
            yield return (beat, newestLongBefore is { } newest && !(c.ToSeq > 0 && !named)
                ? string.Create(CultureInfo.InvariantCulture,
                    $"heartbeat (transaction {beat.Signature}, slot {beat.Slot}) names {what}, but anchor {newest.Range} (transaction {newest.Signature}, slot {newest.Slot}) was on chain more than {MaxLandingSlots} slots before it")
                : string.Create(CultureInfo.InvariantCulture,
                    $"heartbeat (transaction {beat.Signature}, slot {beat.Slot}) names {what}, an anchor that was not on chain before it"));
        }
    }
}
