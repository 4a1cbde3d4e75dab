using System.Buffers.Binary;

namespace Billing.Application.Tests.Burns;

/// <summary>
/// A price feed that cannot give a price right now (a Pyth account not trading, or not there) is the deployment's condition, not
/// the burn's: every burn would hit it. The burn waits with the reason and lands once the feed trades again, never ends failed.
/// </summary>
public class BurnExecutorPriceFeedTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>A Pyth price account as the real parser reads it: 2.50 USD, published now, with the given status (1 = trading).</summary>
    private static PriceQuote Pyth(uint status)
    {
        var data = new byte[3312];
        BinaryPrimitives.WriteUInt32LittleEndian(data, PythPriceOracle.Magic);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(20), -8);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(96), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(208), 250_000_000);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(224), status);
        return PythPriceOracle.Parse(data, "test-feed");
    }

    /// <summary>The feed's answer as the executor gets it: a halted market first (status 2), trading once <see cref="Trading"/> is set.</summary>
    private sealed class SwitchableFeed : IPriceOracle
    {
        public bool Trading { get; set; }

        public Task<PriceQuote> GetQuoteAsync(CancellationToken cancellationToken) => Task.FromResult(Pyth(Trading ? 1u : 2u));
    }

    [Fact]
    public async Task RunAsync_PriceFeedNotTrading_WaitsWithTheReasonAndBurnsOnceItTradesAgain()
    {
        var rpc = chain.Localnet.CreateClient();
        await chain.Localnet.AdminAsync("admin_clearFaults", [], Ct);
        var treasury = chain.Localnet.LoadTreasury();
        var (mint, _) = await chain.Localnet.CreateMintWithBalanceAsync(rpc, treasury, treasury, 1_000_000_000_000, Ct);
        var tables = await chain.Azurite.NewTablesAsync();
        var (burns, ledger) = (new BurnStore(tables), new LedgerStore(tables));
        await ledger.EnsureCreatedAsync(Ct);
        var solana = Options.Create(new SolanaOptions { Mint = mint.ToString(), TreasuryKeypair = new JsonArray(chain.Localnet.Info.TreasuryKeypair.Select(b => (JsonNode?)(int)b).ToArray()).ToJsonString() });
        var feed = new SwitchableFeed();
        var executor = new BurnExecutor(burns, rpc, feed, new TreasuryProvider(solana, rpc), new LedgerRecorder(ledger, new PartnerStore(tables), TimeProvider.System),
            new CreditNoteStore(tables), new RefundStore(tables), new PaymentStore(tables), new InvoiceStore(tables),
            Options.Create(new BurnOptions { ConfirmationWait = TimeSpan.FromSeconds(10), LeaseDuration = TimeSpan.FromSeconds(60) }), TimeProvider.System, NullLogger<BurnExecutor>.Instance);
        string invoiceId = $"INV-carrier-{Guid.NewGuid().ToString("N")[..8]}-202610";
        var intent = (await burns.CreateIfAbsentAsync(SampleBurns.Pending(BurnIntent.IdFor(invoiceId), invoiceId, 12_345, DateTimeOffset.UtcNow), Ct)).Intent;
        ulong supply = (await rpc.GetTokenSupplyAsync(mint, Commitment.Confirmed, Ct)).Amount;

        await executor.RunAsync(Ct);

        // Before: "cannot be executed: Pyth price test-feed is not trading", status failed for good, the paid invoice never burned.
        var waiting = (await burns.GetAsync(intent.Id, Ct))!.Value.Intent;
        Assert.Equal(BurnStatus.Pending, waiting.Status);
        Assert.Contains("not trading", waiting.Reason, StringComparison.Ordinal);
        Assert.Null(waiting.Signature);

        feed.Trading = true;
        await executor.RunAsync(Ct);

        var landed = (await burns.GetAsync(intent.Id, Ct))!.Value.Intent;
        Assert.Equal((BurnStatus.Finalized, 4_938_000_000UL, 1), (landed.Status, landed.TokenAmount, landed.Signings)); // 123.45 USD at 2.50
        Assert.Equal(supply - 4_938_000_000UL, (await rpc.GetTokenSupplyAsync(mint, Commitment.Confirmed, Ct)).Amount);
    }
}
