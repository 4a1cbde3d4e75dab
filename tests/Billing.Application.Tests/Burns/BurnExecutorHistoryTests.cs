namespace Billing.Application.Tests.Burns;

/// <summary>
/// A node with a limited ledger forgets old transactions: "no status" from it says nothing about a burn that landed before
/// its history starts. Its own localnet, since the history it prunes stays pruned for the fixture's client.
/// </summary>
public class BurnExecutorHistoryTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task RunAsync_LandedBurnPrunedFromTheNodesHistory_NeitherReSignsNorBurnsTwice()
    {
        var (h, intent, supply) = await BurnHarness.NewWithIntentAsync(chain);
        var sent = await h.CrashAsync(CrashPoint.AfterSending, intent.Id); // it landed; the executor stopped before it saw so
        await chain.Localnet.AdminAsync("admin_expireBlockhashes", [], Ct);
        await chain.Localnet.PruneHistoryAsync(Ct); // days later, the node keeps no block that old

        for (int run = 0; run < 3; run++)
        {
            await h.NewExecutor().RunAsync(Ct); // before: expiry "proven", signed again, and burned twice
        }

        Assert.Equal(supply - BurnHarness.DefaultIntentTokens, await h.SupplyAsync());
        var held = await h.GetAsync(intent.Id);
        Assert.False(held.IsTerminal);
        Assert.Equal((sent.Signature, 1), (held.Signature, held.Signings));
        Assert.Contains("the RPC node's history starts at slot", held.Reason ?? "", StringComparison.Ordinal);
    }
}
