using Billing.Domain.Ledger;

namespace Billing.Cli.Tests.Ledger;

/// <summary>
/// <c>billing ledger verify --rpc --authority</c> judging heartbeats by the chain alone: memos signed on a real localnet by
/// the authority under a ledger name of the test's own; the API's entry pages come from a stub. On a localnet of its own:
/// moving the chain past a late landing expires every blockhash, which on the shared one fails other test runs' transactions.
/// </summary>
public class ChainVerifierHeartbeatTests(PrivateLocalnetFixture localnet) : IClassFixture<PrivateLocalnetFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task VerifyBook_EmptyBookHeartbeatAfterAnAnchor_ReportsHeartbeatMismatch()
    {
        string ledger = "cli" + Guid.NewGuid().ToString("N")[..16];
        var book = ChainVerifierTests.Book(1);
        var rpc = localnet.CreateClient();
        using var authority = localnet.LoadTreasury();
        await LocalnetFixture.SendMemoAsync(rpc, authority, AnchorMemo.Format(ledger, "main", 1, 1, MerkleTree.Root(book), AnchorMemo.NoPreviousRoot), Ct);
        await localnet.AdminAsync("admin_advanceBlockHeight", [AnchorLiveness.MaxLandingSlots + 1], Ct); // past a late landing
        string beat = await LocalnetFixture.SendMemoAsync(rpc, authority, HeartbeatMemo.Format(ledger, "main", 0, AnchorMemo.NoPreviousRoot), Ct);
        await using var api = await StubServer.StartAsync((_, _) => (200, "application/json", ChainVerifierTests.Page(book, 1, 1, head: 1)));

        var result = await CliHarness.RunAsync("ledger", "verify", "--url", api.Url, "--rpc", localnet.RpcUrl.ToString(), "--authority", localnet.Info.TreasuryOwner, "--ledger", ledger);

        Assert.True(result.ExitCode == 1, result.ToString()); // before: 0, a heartbeat naming no anchor was never compared with the chain
        Assert.Contains(nameof(LedgerProblemKind.HeartbeatMismatch), result.Out, StringComparison.Ordinal);
        Assert.Contains(beat, result.Out, StringComparison.Ordinal);
    }
}
