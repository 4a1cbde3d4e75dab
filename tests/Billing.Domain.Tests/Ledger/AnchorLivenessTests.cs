namespace Billing.Domain.Tests.Ledger;

public class AnchorLivenessTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Limit = TimeSpan.FromHours(6);
    private static readonly string Root = new('a', 64);
    private static readonly ulong Late = AnchorLiveness.MaxLandingSlots;

    private static OnChainAnchor Anchor(long to, DateTimeOffset? at, long from = 1, string root = "", string signature = "sigA", ulong slot = 1) =>
        new(new AnchorMemoContent("prod", "main", from, to, root is "" ? Root : root, AnchorMemo.NoPreviousRoot), signature, slot, at);

    private static OnChainHeartbeat Beat(long to, string root, DateTimeOffset? at, string signature = "sigH", ulong slot = 2) =>
        new(new HeartbeatMemoContent("prod", "main", to, root), signature, slot, at);

    [Fact]
    public void Check_NewestAnchorOlderThanLimit_ReportsStalledNamingItsTime()
    {
        var problems = AnchorLiveness.Check([Anchor(3, Now.AddHours(-7))], [], hasEntries: true, Now, Limit);

        var p = Assert.Single(problems);
        Assert.Equal((LedgerProblemKind.AnchoringStalled, 3L), (p.Kind, p.Sequence));
        Assert.Contains("2026-12-01 05:00:00Z", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RecentHeartbeatNamingTheAnchor_Ok()
    {
        Assert.Empty(AnchorLiveness.Check([Anchor(3, Now.AddHours(-7))], [Beat(3, Root, Now.AddHours(-1))], hasEntries: true, Now, Limit));
    }

    [Fact]
    public void Check_HeartbeatNamingNoAnchorOnChain_ReportsMismatchOnceEvenIfSentTwice()
    {
        string other = new('b', 64);
        var problems = AnchorLiveness.Check([Anchor(3, Now)], [Beat(3, other, Now, "s1"), Beat(3, other, Now, "s2"), Beat(3, Root, Now)], hasEntries: true, Now, Limit);

        var p = Assert.Single(problems);
        Assert.Equal(LedgerProblemKind.HeartbeatMismatch, p.Kind);
        Assert.Contains("s1", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NothingOnChainOrNoBlockTimes_NoChainTimeToJudgeBy()
    {
        Assert.Empty(AnchorLiveness.Check([], [], hasEntries: true, Now, Limit));
        Assert.Empty(AnchorLiveness.Check([Anchor(3, null)], [], hasEntries: true, Now, Limit));
    }

    [Fact]
    public void Check_EmptyBookHeartbeatAfterAnAnchor_ReportsMismatchNamingTheAnchor()
    {
        var problems = AnchorLiveness.Check([Anchor(3, Now, slot: 5)], [Beat(0, AnchorMemo.NoPreviousRoot, Now, "sigEmpty", slot: 5 + Late + 1)], hasEntries: true, Now, Limit);

        var p = Assert.Single(problems);
        Assert.Equal((LedgerProblemKind.HeartbeatMismatch, 0L), (p.Kind, p.Sequence));
        Assert.Contains("sigEmpty", p.Message, StringComparison.Ordinal);
        Assert.Contains("anchor 1-3 (transaction sigA", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_EmptyBookHeartbeatBeforeTheFirstAnchor_Ok()
    {
        Assert.Empty(AnchorLiveness.Check([Anchor(3, Now, slot: 7)], [Beat(0, AnchorMemo.NoPreviousRoot, Now, slot: 6)], hasEntries: true, Now, Limit));
    }

    [Fact]
    public void Check_HeartbeatNamingAnOlderAnchorAfterANewerOne_ReportsMismatch()
    {
        string newer = new('c', 64);
        OnChainAnchor[] anchors = [Anchor(3, Now, slot: 1), Anchor(5, Now, from: 4, root: newer, signature: "sigB", slot: 3)];

        var between = AnchorLiveness.Check(anchors, [Beat(3, Root, Now, slot: 2), Beat(5, newer, Now, slot: 4)], hasEntries: true, Now, Limit);
        var stale = AnchorLiveness.Check(anchors, [Beat(3, Root, Now, "sigStale", slot: 3 + Late + 1)], hasEntries: true, Now, Limit);
        var early = AnchorLiveness.Check(anchors, [Beat(5, newer, Now, "sigEarly", slot: 2)], hasEntries: true, Now, Limit); // names an anchor not yet on chain

        Assert.Empty(between);
        var p = Assert.Single(stale);
        Assert.Equal((LedgerProblemKind.HeartbeatMismatch, 3L), (p.Kind, p.Sequence));
        Assert.Contains("anchor 4-5 (transaction sigB", p.Message, StringComparison.Ordinal);
        Assert.Equal(LedgerProblemKind.HeartbeatMismatch, Assert.Single(early).Kind);
    }

    [Fact]
    public void Check_HeartbeatSignedBeforeANewerAnchorLandingAfterIt_Ok()
    {
        // Run 1 read anchor 1-3 and sent a heartbeat it could not confirm; run 2 anchored 4-5; the heartbeat landed later,
        // within its blockhash's life. The same for a heartbeat of the empty book overtaken by the first anchor.
        string newer = new('c', 64);
        OnChainAnchor[] anchors = [Anchor(3, Now, slot: 1), Anchor(5, Now, from: 4, root: newer, signature: "sigB", slot: 100)];

        var late = AnchorLiveness.Check(anchors, [Beat(3, Root, Now, slot: 100 + Late)], hasEntries: true, Now, Limit);
        var emptyLate = AnchorLiveness.Check([Anchor(3, Now, slot: 1000)], [Beat(0, AnchorMemo.NoPreviousRoot, Now, slot: 1000 + Late)], hasEntries: true, Now, Limit);

        Assert.Empty(late); // before: HeartbeatMismatch for good, on a healthy deployment whose runs came close together
        Assert.Empty(emptyLate);
    }
}
