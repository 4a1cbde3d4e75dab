using System.Buffers.Binary;

namespace Billing.Application.Tests.Burns;

/// <summary>
/// A price feed that cannot give a usable price right now (a Pyth account not trading, not there, with an exponent or a
/// confidence no real price has, or too uncertain) is the deployment's condition, not the burn's: every burn would hit it. The
/// burn waits with the reason and lands once the feed has a usable price again; it never ends failed or skipped for it.
/// </summary>
public class BurnExecutorPriceFeedTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>A Pyth price account as the real parser reads it, published now: 2.50 USD (mantissa 250,000,000 at exponent -8) unless told otherwise.</summary>
    private static PriceQuote Pyth(uint status, int exponent = -8, ulong confidence = 0, long? publishedAt = null)
    {
        var data = new byte[3312];
        BinaryPrimitives.WriteUInt32LittleEndian(data, PythPriceOracle.Magic);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(20), exponent);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(96), publishedAt ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(208), 250_000_000);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(216), confidence);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(224), status);
        return PythPriceOracle.Parse(data, "test-feed");
    }

    /// <summary>The feed's answer as the executor gets it: the unusable quote first, 2.50 USD trading once <see cref="Usable"/> is set.</summary>
    private sealed class SwitchableFeed(Func<PriceQuote> unusable) : IPriceOracle
    {
        public bool Usable { get; set; }

        public Task<PriceQuote> GetQuoteAsync(CancellationToken cancellationToken) => Task.FromResult(Usable ? Pyth(1) : unusable());
    }

    /// <summary>Status, exponent, confidence, publish time (seconds from now; null: the field holds long.MaxValue), and a part of the reason the burn waits with.</summary>
    public static TheoryData<uint, int, ulong, long?, string> UnusableFeeds => new()
    {
        { 2, -8, 0, 0, "not trading" }, // a halted market; failed for good before 8d7be14
        { 1, 30, 0, 0, "exponent 30" }, // 2.5e38 USD a token: was skipped for good (less than one base unit)
        { 1, -40, 0, 0, "exponent -40" }, // was failed for good (the conversion overflows)
        { 1, -8, 1UL << 63, 0, "confidence" }, // was failed for good (the confidence overflowed a long)
        { 1, -8, 0, null, "publish time" }, // was failed for good (no DateTimeOffset holds it)
        { 1, -8, 50_000_000, 0, "waiting for a confident price" }, // 2.50 ± 0.50 USD: was burned at that price
        { 1, -8, 0, 3600, "in the future" }, // published an hour ahead: never stale, was burned at that price
    };

    [Theory]
    [MemberData(nameof(UnusableFeeds))]
    public async Task RunAsync_FeedWithoutAUsablePrice_WaitsWithTheReasonAndBurnsOnceItHasOne(uint status, int exponent, ulong confidence, long? publishedIn, string reason)
    {
        var rpc = chain.Localnet.CreateClient();
        await chain.Localnet.AdminAsync("admin_clearFaults", [], Ct);
        var treasury = chain.Localnet.LoadTreasury();
        var (mint, _) = await chain.Localnet.CreateMintWithBalanceAsync(rpc, treasury, treasury, 1_000_000_000_000, Ct);
        var tables = await chain.Azurite.NewTablesAsync();
        var (burns, ledger) = (new BurnStore(tables), new LedgerStore(tables));
        await ledger.EnsureCreatedAsync(Ct);
        var solana = Options.Create(new SolanaOptions { Mint = mint.ToString(), TreasuryKeypair = new JsonArray(chain.Localnet.Info.TreasuryKeypair.Select(b => (JsonNode?)(int)b).ToArray()).ToJsonString() });
        var feed = new SwitchableFeed(() => Pyth(status, exponent, confidence: confidence,
            publishedAt: publishedIn is { } ahead ? DateTimeOffset.UtcNow.ToUnixTimeSeconds() + ahead : long.MaxValue));
        var executor = new BurnExecutor(burns, rpc, feed, new TreasuryProvider(solana, rpc), new LedgerRecorder(ledger, new PartnerStore(tables), TimeProvider.System),
            new CreditNoteStore(tables), new RefundStore(tables), new PaymentStore(tables), new InvoiceStore(tables),
            Options.Create(new BurnOptions { ConfirmationWait = TimeSpan.FromSeconds(10), LeaseDuration = TimeSpan.FromSeconds(60) }), TimeProvider.System, NullLogger<BurnExecutor>.Instance);
        string invoiceId = $"INV-carrier-{Guid.NewGuid().ToString("N")[..8]}-202610";
        var intent = (await burns.CreateIfAbsentAsync(SampleBurns.Pending(BurnIntent.IdFor(invoiceId), invoiceId, 12_345, DateTimeOffset.UtcNow), Ct)).Intent;
        ulong supply = (await rpc.GetTokenSupplyAsync(mint, Commitment.Confirmed, Ct)).Amount;

        await executor.RunAsync(Ct);

        var waiting = (await burns.GetAsync(intent.Id, Ct))!.Value.Intent;
        Assert.Equal(BurnStatus.Pending, waiting.Status);
        Assert.Contains(reason, waiting.Reason, StringComparison.Ordinal);
        Assert.Null(waiting.Signature);
        Assert.Equal(supply, (await rpc.GetTokenSupplyAsync(mint, Commitment.Confirmed, Ct)).Amount);

        feed.Usable = true;
        await executor.RunAsync(Ct);

        var landed = (await burns.GetAsync(intent.Id, Ct))!.Value.Intent;
        Assert.Equal((BurnStatus.Finalized, 4_938_000_000UL, 1), (landed.Status, landed.TokenAmount, landed.Signings)); // 123.45 USD at 2.50
        Assert.Equal(supply - 4_938_000_000UL, (await rpc.GetTokenSupplyAsync(mint, Commitment.Confirmed, Ct)).Amount);
    }
}
