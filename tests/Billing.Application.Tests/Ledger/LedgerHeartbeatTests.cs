namespace Billing.Application.Tests.Ledger;

/// <summary>
/// Heartbeat anchors: an idle book's anchoring puts a heartbeat on chain, and verify judges a stall by the chain's block
/// times (never the rows'), so rewriting the unanchored tail while anchoring is stalled no longer goes unseen. Real
/// Azurite and a private localnet; the intervals are seconds (<see cref="LedgerTestOptions.ShortHeartbeat"/>).
/// </summary>
public class LedgerHeartbeatTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>Longer than the stall limit (6 s), counting the block time's whole seconds: the one real wait, for rows written after the chain went quiet.</summary>
    private static readonly TimeSpan PastStallLimit = TimeSpan.FromSeconds(7);

    private Task<LedgerTestSetup> NewAsync() => LedgerTestSetup.NewAsync(chain, LedgerTestOptions.ShortHeartbeat());

    /// <summary>The block time of the book's one anchor on chain: the clock the tests' fake "now" is set against.</summary>
    private static async Task<DateTimeOffset> AnchorTimeAsync(LedgerTestSetup s) => Assert.Single((await OnChainAsync(s)).Anchors).BlockTime!.Value;

    private static FakeTimeProvider At(DateTimeOffset time, int seconds) => new(time.AddSeconds(seconds));

    private static async Task<OnChainBook> OnChainAsync(LedgerTestSetup s)
    {
        var key = (await s.Authority.GetAsync(Ct)).PublicKey;
        return await new AnchorChainReader(s.Rpc).ReadBookAsync(key, s.Authority.LedgerName, LedgerEntries.MainBook, Ct);
    }

    [Fact]
    public async Task Anchor_IdleBookNewestAnchorOlderThanInterval_OneHeartbeatThenNoneWithinInterval()
    {
        var s = await NewAsync();
        var anchored = await s.BookAndAnchorAsync(100);
        Assert.True(AnchorMemo.TryParse(anchored.Memo, out var anchor));
        var anchorTime = await AnchorTimeAsync(s);

        var fresh = await s.AnchoringAt(At(anchorTime, 2)).RunAsync(Ct);
        var beat = await s.AnchoringAt(At(anchorTime, 10)).RunAsync(Ct);
        var read = Assert.Single((await OnChainAsync(s)).Heartbeats);
        var within = await s.AnchoringAt(At(read.BlockTime!.Value, 2)).RunAsync(Ct);

        Assert.Equal(("nothing new to anchor", null), (fresh.Status, fresh.Memo)); // the anchor is younger than the interval
        Assert.Equal("heartbeat confirmed", beat.Status); // before: "nothing new to anchor", and nothing on chain
        Assert.Equal($"billing:heartbeat:v1:{s.Authority.LedgerName}:main:1:{anchor.RootHex}", beat.Memo);
        Assert.Equal((beat.Signature, new HeartbeatMemoContent(s.Authority.LedgerName, "main", 1, anchor.RootHex)), (read.Signature, read.Content));
        Assert.Equal(("nothing new to anchor", null), (within.Status, within.Memo));
        var onChain = await OnChainAsync(s);
        Assert.Single(onChain.Anchors);
        Assert.Single(onChain.Heartbeats);
        Assert.Single(await s.Anchors.ListAsync(LedgerEntries.MainBook, Ct)); // the anchor's: a heartbeat needs no row
    }

    [Fact]
    public async Task Anchor_IdleBookWithManyHeartbeats_FetchesOnlyTheNewest()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100);
        var anchorTime = await AnchorTimeAsync(s);
        for (int i = 1; i <= 3; i++)
        {
            Assert.Equal("heartbeat confirmed", (await s.AnchoringAt(At(anchorTime, 10 * i)).RunAsync(Ct)).Status);
        }

        int before = await chain.Localnet.RequestCountAsync("getTransaction", Ct);
        var idle = await s.AnchoringAt(At(anchorTime, 1)).RunAsync(Ct);
        int fetched = await chain.Localnet.RequestCountAsync("getTransaction", Ct) - before;

        Assert.Equal("nothing new to anchor", idle.Status);
        Assert.Equal(3, (await OnChainAsync(s)).Heartbeats.Count);
        Assert.True(fetched <= 2, $"{fetched} transactions fetched"); // the hinted anchor and the newest heartbeat; before: every heartbeat since
    }

    [Fact]
    public async Task Anchor_EmptyBook_HeartbeatNamesNoAnchor()
    {
        var s = await NewAsync();

        var beat = await s.Anchoring.RunAsync(Ct);

        Assert.Equal("heartbeat confirmed", beat.Status);
        Assert.Equal($"billing:heartbeat:v1:{s.Authority.LedgerName}:main:0:{AnchorMemo.NoPreviousRoot}", beat.Memo);
    }

    [Fact]
    public async Task Anchor_NewEntriesAfterInterval_AnchorsThemAndSendsNoHeartbeat()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100);
        var anchorTime = await AnchorTimeAsync(s);
        await s.BookAsync("adj-2", 200);

        var run = await s.AnchoringAt(At(anchorTime, 10)).RunAsync(Ct);

        Assert.Equal("confirmed", run.Status);
        Assert.StartsWith($"billing:anchor:v2:{s.Authority.LedgerName}:main:2-2:", run.Memo, StringComparison.Ordinal);
        var onChain = await OnChainAsync(s);
        Assert.Equal(2, onChain.Anchors.Count);
        Assert.Empty(onChain.Heartbeats);
    }

    [Fact]
    public async Task Verify_NewestAnchorOlderThanStallLimit_ReportsAnchoringStalledNamingItsTime()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100);
        var anchorTime = await AnchorTimeAsync(s);

        var now = await s.Audit(At(anchorTime, 1)).VerifyAsync(Ct);
        var stalled = await s.Audit(At(anchorTime, 60)).VerifyAsync(Ct);

        Assert.True(now.Ok, string.Join("; ", now.Problems));
        var problem = Assert.Single(stalled.Problems); // before: Ok, the entry is anchored and nothing else was judged
        Assert.Equal((nameof(LedgerProblemKind.AnchoringStalled), "book main"), (problem.Kind, problem.Subject));
        Assert.Contains($"block time {anchorTime:u}", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_RecentHeartbeatAfterOldAnchor_NotStalled()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100);
        var later = At(await AnchorTimeAsync(s), 10);

        var stalled = await s.Audit(later).VerifyAsync(Ct);
        var beat = await s.AnchoringAt(later).RunAsync(Ct);
        var beatTime = Assert.Single((await OnChainAsync(s)).Heartbeats).BlockTime!.Value;
        var alive = await s.Audit(At(beatTime, 2)).VerifyAsync(Ct);

        Assert.Contains(stalled.Problems, p => p.Kind == nameof(LedgerProblemKind.AnchoringStalled));
        Assert.Equal("heartbeat confirmed", beat.Status);
        Assert.True(alive.Ok, string.Join("; ", alive.Problems));
    }

    [Fact]
    public async Task Verify_UnanchoredTailRewrittenDuringStall_ReportedAlthoughItsRowTimesAreFresh()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100);
        await s.BookAsync("adj-2", 200); // anchoring stalls: adj-2 is never anchored
        await Task.Delay(PastStallLimit, Ct);
        await s.RewriteAsync(2, 1); // the insider rewrites the tail; every row it touches is written now
        var rewritten = new FakeTimeProvider(DateTimeOffset.UtcNow); // verify as the rewrite ends: its rows look fresh

        var verify = await s.Audit(rewritten).VerifyAsync(Ct); // before: Ok, the rewritten row looked recorded a moment ago

        Assert.DoesNotContain(verify.Problems, p => p.Kind == nameof(LedgerProblemKind.NotAnchored)); // the rows' times say nothing
        Assert.Contains(verify.Problems, p => p.Kind == nameof(LedgerProblemKind.AnchoringStalled) && p.Detail.Contains("sequence 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_HeartbeatNamingNoAnchorOnChain_ReportsHeartbeatMismatch()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100);
        var anchorTime = await AnchorTimeAsync(s);
        string forged = new('f', 64);
        string signature = await s.SendMemoAsync(await s.Authority.GetAsync(Ct), HeartbeatMemo.Format(s.Authority.LedgerName, "main", 1, forged));

        var verify = await s.Audit(At(anchorTime, 1)).VerifyAsync(Ct);

        var problem = Assert.Single(verify.Problems);
        Assert.Equal((nameof(LedgerProblemKind.HeartbeatMismatch), "heartbeat 1"), (problem.Kind, problem.Subject));
        Assert.Contains(signature, problem.Detail, StringComparison.Ordinal);
        Assert.Contains(forged, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_EmptyBookHeartbeatAfterAnAnchor_ReportsHeartbeatMismatch()
    {
        var s = await NewAsync();
        var empty = await s.Anchoring.RunAsync(Ct); // the book is still empty: a heartbeat naming no anchor, rightly
        await s.BookAndAnchorAsync(100);
        var anchorTime = await AnchorTimeAsync(s);
        var before = await s.Audit(At(anchorTime, 1)).VerifyAsync(Ct);
        // Past the slots in which a heartbeat signed before the anchor could still land (a late one is no mismatch).
        await chain.Localnet.AdminAsync("admin_advanceBlockHeight", [AnchorLiveness.MaxLandingSlots + 1], Ct);
        string signature = await s.SendMemoAsync(await s.Authority.GetAsync(Ct), HeartbeatMemo.Format(s.Authority.LedgerName, "main", 0, AnchorMemo.NoPreviousRoot));

        var verify = await s.Audit(At(anchorTime, 1)).VerifyAsync(Ct);

        Assert.Equal("heartbeat confirmed", empty.Status);
        Assert.True(before.Ok, string.Join("; ", before.Problems));
        var problem = Assert.Single(verify.Problems); // before: Ok, a heartbeat naming no anchor was never compared with the chain
        Assert.Equal((nameof(LedgerProblemKind.HeartbeatMismatch), "heartbeat 0"), (problem.Kind, problem.Subject));
        Assert.Contains(signature, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_HeartbeatMemoThePlatformNeverWrites_ReportedAndNotCountedAsLife()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100);
        await Task.Delay(PastStallLimit, Ct); // the anchor is past the stall limit
        string foreign = $"{HeartbeatMemo.Prefix}{s.Authority.LedgerName}:main:1:{AnchorMemo.NoPreviousRoot}"; // a sequence with the empty book's root
        string signature = await s.SendMemoAsync(await s.Authority.GetAsync(Ct), foreign);
        var now = new FakeTimeProvider(DateTimeOffset.UtcNow);

        var verify = await s.Audit(now).VerifyAsync(Ct);
        var run = await s.AnchoringAt(now).RunAsync(Ct);

        // Before: the memo counted as a heartbeat a second old, so verify saw no stall and the run sent no heartbeat.
        Assert.Equal([nameof(LedgerProblemKind.AnchoringStalled), nameof(LedgerProblemKind.HeartbeatMismatch)], verify.Problems.Select(p => p.Kind).Order());
        Assert.Contains(verify.Problems, p => p.Kind == nameof(LedgerProblemKind.HeartbeatMismatch) && p.Detail.Contains(signature, StringComparison.Ordinal));
        Assert.Equal("heartbeat confirmed", run.Status);
    }
}
