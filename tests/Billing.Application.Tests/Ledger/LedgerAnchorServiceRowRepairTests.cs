namespace Billing.Application.Tests.Ledger;

/// <summary>
/// The anchors table is a cache of the chain that payers' proofs rely on: a row lost below the chain's newest anchor (a
/// pending row discarded after its memo landed, or a row deleted) is put back by the next anchor run from the memo the
/// authority signed, whether or not new entries wait, and without anchoring that range again. Real Azurite and a
/// private localnet.
/// </summary>
public class LedgerAnchorServiceRowRepairTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static LedgerReader Reader(LedgerTestSetup s) => new(s.Ledger, s.Anchors, s.Authority, s.Rpc);

    private static async Task<IReadOnlyList<OnChainAnchor>> AnchorsOnChainAsync(LedgerTestSetup s)
    {
        var key = (await s.Authority.GetAsync(Ct)).PublicKey;
        return await new AnchorChainReader(s.Rpc).ReadAllAsync(key, s.Authority.LedgerName, LedgerEntries.MainBook, Ct);
    }

    [Fact]
    public async Task RunAsync_PendingRowDiscardedAfterItsMemoLandedWhileNewEntriesWait_RecreatesTheRowFromTheChain()
    {
        var s = await LedgerTestSetup.NewAsync(chain, LedgerTestOptions.ShortAnchorWindow());
        await s.BookAndAnchorAsync(100);
        await s.BookAsync("adj-2", 200);
        await s.Anchoring.RunAsync(Ct);
        var landed = (await s.Anchors.GetAsync(LedgerEntries.MainBook, 2, Ct))!;
        // The run that sent entry 2's memo stopped before it saw it confirmed: the row stays pending with the signature.
        await s.Anchors.UpsertAsync(landed with { Status = AnchorStatus.Pending, Slot = null }, Ct);
        await s.BookAsync("adj-3", 300);

        var run = await s.Anchoring.RunAsync(Ct); // discards the pending row (its range is on chain) and anchors entry 3

        Assert.Equal("confirmed", run.Status);
        var restored = await s.Anchors.GetAsync(LedgerEntries.MainBook, 2, Ct);
        Assert.NotNull(restored); // before: gone, and no later run put it back
        Assert.Equal((AnchorStatus.Confirmed, landed.Signature, landed.Content), (restored.Status, restored.Signature, restored.Content));
        var proof = Assert.IsType<LedgerProofResult.Found>(await Reader(s).ProofAsync("adj-2", "carrier-x", Ct));
        Assert.True(proof.Verified);
        Assert.Equal([(1L, 1L), (2L, 2L), (3L, 3L)], (await AnchorsOnChainAsync(s)).Select(a => (a.Content.FromSeq, a.Content.ToSeq))); // nothing anchored twice
    }

    [Fact]
    public async Task RunAsync_RowLostBetweenTwoStoredAnchors_RecreatedFromTheAuthoritysMemoOnly()
    {
        var s = await LedgerTestSetup.NewAsync(chain, LedgerTestOptions.ShortAnchorWindow());
        await s.BookAndAnchorAsync(100);
        await s.BookAsync("adj-2", 200);
        await s.Anchoring.RunAsync(Ct);
        var lost = (await s.Anchors.GetAsync(LedgerEntries.MainBook, 2, Ct))!;
        // Someone without the authority's key puts a memo for the same range on chain, with another root.
        var insider = Keypair.Generate();
        await s.Rpc.RequestAirdropAsync(insider.PublicKey, 1_000_000_000, Commitment.Confirmed, Ct);
        await s.SendMemoAsync(insider, AnchorMemo.Format(lost.Content with { RootHex = new string('e', 64) }));
        await s.BookAsync("adj-3", 300);
        await s.Anchoring.RunAsync(Ct);
        await s.Anchors.DeleteAsync(LedgerEntries.MainBook, 2, Ct);
        Assert.IsType<LedgerProofResult.NotAnchored>(await Reader(s).ProofAsync("adj-2", "carrier-x", Ct));

        var run = await s.Anchoring.RunAsync(Ct); // nothing new to anchor

        var restored = await s.Anchors.GetAsync(LedgerEntries.MainBook, 2, Ct);
        Assert.NotNull(restored); // before: only the newest anchor's row was ever put back
        Assert.Equal((AnchorStatus.Confirmed, lost.Signature, lost.Content), (restored.Status, restored.Signature, restored.Content));
        Assert.True(Assert.IsType<LedgerProofResult.Found>(await Reader(s).ProofAsync("adj-2", "carrier-x", Ct)).Verified);
        Assert.Equal("nothing new to anchor", run.Status);
        Assert.Equal(3, (await AnchorsOnChainAsync(s)).Count);
    }
}
