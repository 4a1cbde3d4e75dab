namespace Billing.Domain.Tests.Ledger;

public class AnchorLivenessTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Limit = TimeSpan.FromHours(6);
    private static readonly string Root = new('a', 64);

    private static OnChainAnchor Anchor(long to, DateTimeOffset? at) =>
        new(new AnchorMemoContent("prod", "main", 1, to, Root, AnchorMemo.NoPreviousRoot), "sigA", 1, at);

    private static OnChainHeartbeat Beat(long to, string root, DateTimeOffset? at, string signature = "sigH") =>
        new(new HeartbeatMemoContent("prod", "main", to, root), signature, 2, at);

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
        var problems = AnchorLiveness.Check([Anchor(3, Now)], [Beat(3, other, Now, "s1"), Beat(3, other, Now, "s2"), Beat(0, AnchorMemo.NoPreviousRoot, Now)], hasEntries: true, Now, Limit);

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
}
