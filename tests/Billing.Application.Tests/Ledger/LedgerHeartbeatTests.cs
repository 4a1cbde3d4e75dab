namespace Billing.Application.Tests.Ledger;

/// <summary>
/// Heartbeat anchors: an idle book's anchoring puts a heartbeat on chain, and verify judges a stall by the chain's block
/// times (never the rows'), so rewriting the unanchored tail while anchoring is stalled no longer goes unseen. Real
/// Azurite and a private localnet; the intervals are seconds (<see cref="LedgerTestOptions.ShortHeartbeat"/>).
/// </summary>
public class LedgerHeartbeatTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>Longer than the heartbeat interval (3 s) and the stall limit (5 s), counting the block time's whole seconds.</summary>
    private static readonly TimeSpan PastStallLimit = TimeSpan.FromSeconds(6);

    private Task<LedgerTestSetup> NewAsync() => LedgerTestSetup.NewAsync(chain, LedgerTestOptions.ShortHeartbeat());

    private static async Task<(IReadOnlyList<OnChainAnchor> Anchors, IReadOnlyList<OnChainHeartbeat> Heartbeats)> OnChainAsync(LedgerTestSetup s)
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

        var fresh = await s.Anchoring.RunAsync(Ct);
        await Task.Delay(PastStallLimit, Ct);
        var beat = await s.Anchoring.RunAsync(Ct);
        var within = await s.Anchoring.RunAsync(Ct);

        Assert.Equal(("nothing new to anchor", null), (fresh.Status, fresh.Memo)); // the anchor is younger than the interval
        Assert.Equal("heartbeat confirmed", beat.Status); // before: "nothing new to anchor", and nothing on chain
        Assert.Equal($"billing:heartbeat:v1:{s.Authority.LedgerName}:main:1:{anchor.RootHex}", beat.Memo);
        var (anchors, heartbeats) = await OnChainAsync(s);
        var read = Assert.Single(heartbeats);
        Assert.Equal((beat.Signature, new HeartbeatMemoContent(s.Authority.LedgerName, "main", 1, anchor.RootHex)), (read.Signature, read.Content));
        Assert.NotNull(read.BlockTime);
        Assert.Single(anchors);
        Assert.Equal(("nothing new to anchor", null), (within.Status, within.Memo));
        Assert.Single(await s.Anchors.ListAsync(LedgerEntries.MainBook, Ct)); // the anchor's: a heartbeat needs no row
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
        await Task.Delay(PastStallLimit, Ct);
        await s.BookAsync("adj-2", 200);

        var run = await s.Anchoring.RunAsync(Ct);

        Assert.Equal("confirmed", run.Status);
        Assert.StartsWith($"billing:anchor:v2:{s.Authority.LedgerName}:main:2-2:", run.Memo, StringComparison.Ordinal);
        var (anchors, heartbeats) = await OnChainAsync(s);
        Assert.Equal(2, anchors.Count);
        Assert.Empty(heartbeats);
    }

    [Fact]
    public async Task Verify_NewestAnchorOlderThanStallLimit_ReportsAnchoringStalledNamingItsTime()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100);
        var anchor = Assert.Single((await OnChainAsync(s)).Anchors);
        var later = new FakeTimeProvider(anchor.BlockTime!.Value.AddMinutes(1));

        var now = await s.Audit().VerifyAsync(Ct);
        var stalled = await s.Audit(later).VerifyAsync(Ct);

        Assert.True(now.Ok, string.Join("; ", now.Problems));
        var problem = Assert.Single(stalled.Problems); // before: Ok, the entry is anchored and nothing else was judged
        Assert.Equal((nameof(LedgerProblemKind.AnchoringStalled), "book main"), (problem.Kind, problem.Subject));
        Assert.Contains($"block time {anchor.BlockTime:u}", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_RecentHeartbeatAfterOldAnchor_NotStalled()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100);
        await Task.Delay(PastStallLimit, Ct);

        var stalled = await s.Audit().VerifyAsync(Ct);
        var beat = await s.Anchoring.RunAsync(Ct);
        var alive = await s.Audit().VerifyAsync(Ct);

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

        var verify = await s.Audit().VerifyAsync(Ct); // before: Ok, the rewritten row looked recorded a moment ago

        Assert.DoesNotContain(verify.Problems, p => p.Kind == nameof(LedgerProblemKind.NotAnchored)); // the rows' times say nothing
        Assert.Contains(verify.Problems, p => p.Kind == nameof(LedgerProblemKind.AnchoringStalled) && p.Detail.Contains("sequence 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_HeartbeatNamingNoAnchorOnChain_ReportsHeartbeatMismatch()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100);
        string forged = new('f', 64);
        string signature = await s.SendMemoAsync(await s.Authority.GetAsync(Ct), HeartbeatMemo.Format(s.Authority.LedgerName, "main", 1, forged));

        var verify = await s.Audit().VerifyAsync(Ct);

        var problem = Assert.Single(verify.Problems);
        Assert.Equal((nameof(LedgerProblemKind.HeartbeatMismatch), "heartbeat 1"), (problem.Kind, problem.Subject));
        Assert.Contains(signature, problem.Detail, StringComparison.Ordinal);
        Assert.Contains(forged, problem.Detail, StringComparison.Ordinal);
    }
}
