using System.Buffers.Binary;
using Billing.Tests.Shared;

namespace Billing.Application.Tests.Burns;

/// <summary>
/// A price feed that cannot give a usable price right now (a Pyth account not trading, not there, with an exponent or a
/// confidence no real price has, too uncertain, or a quote outside the operator's price band) is the deployment's condition,
/// not the burn's: every burn would hit it. The burn waits with the reason and lands once the feed has a usable price again;
/// it never ends failed or skipped for it.
/// </summary>
public class BurnExecutorPriceFeedTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>123.45 USD at 2.50 USD a token, 8 decimals (docs/contract.md §7).</summary>
    private const ulong AtTwoFifty = 4_938_000_000UL;

    /// <summary>
    /// A Pyth price account as the real parser reads it, published now: 2.50 USD (mantissa 250,000,000 at exponent -8) unless
    /// told otherwise.
    /// </summary>
    private static PriceQuote Pyth(uint status, int exponent = -8, ulong confidence = 0, long? publishedAt = null, long mantissa = 250_000_000)
    {
        var data = new byte[3312];
        BinaryPrimitives.WriteUInt32LittleEndian(data, PythPriceOracle.Magic);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(20), exponent);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(96), publishedAt ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(208), mantissa);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(216), confidence);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(224), status);
        return PythPriceOracle.Parse(data, "test-feed");
    }

    /// <summary>The feed's answer as the executor gets it: the unusable quote first, then <c>usable</c> (2.50 USD trading) once <see cref="Usable"/> is set.</summary>
    private sealed class SwitchableFeed(Func<PriceQuote> unusable, Func<PriceQuote>? usable = null) : IPriceOracle
    {
        public bool Usable { get; set; }

        public Task<PriceQuote> GetQuoteAsync(CancellationToken cancellationToken) => Task.FromResult(Usable ? (usable ?? (() => Pyth(1)))() : unusable());
    }

    /// <summary>A treasury holding a fresh mint, tables, an executor on <paramref name="feed"/> and a pending intent of 123.45 USD (priced at <paramref name="snapshot"/>, if given).</summary>
    private async Task<(BurnExecutor Executor, BurnStore Burns, SolanaRpcClient Rpc, PublicKey Mint, BurnIntent Intent)> ArrangeAsync(IPriceOracle feed, string? min = null, string? max = null, PriceQuote? snapshot = null)
    {
        var rpc = chain.Localnet.CreateClient();
        await chain.Localnet.AdminAsync("admin_clearFaults", [], Ct);
        var treasury = chain.Localnet.LoadTreasury();
        var (mint, _) = await chain.Localnet.CreateMintWithBalanceAsync(rpc, treasury, treasury, 1_000_000_000_000, Ct);
        var tables = await chain.Azurite.NewTablesAsync();
        var (burns, ledger) = (new BurnStore(tables), new LedgerStore(tables, TestSeals.Keys));
        await ledger.EnsureCreatedAsync(Ct);
        var solana = Options.Create(new SolanaOptions { Mint = mint.ToString(), TreasuryKeypair = new JsonArray(chain.Localnet.Info.TreasuryKeypair.Select(b => (JsonNode?)(int)b).ToArray()).ToJsonString() });
        var options = new BurnOptions { ConfirmationWait = TimeSpan.FromSeconds(10), LeaseDuration = TimeSpan.FromSeconds(60), MinTokenPriceUsd = min, MaxTokenPriceUsd = max };
        var executor = new BurnExecutor(burns, rpc, feed, new TreasuryProvider(solana, rpc), new LedgerRecorder(ledger, new PartnerStore(tables), TimeProvider.System),
            new CreditNoteStore(tables), new RefundStore(tables), new PaymentStore(tables), new InvoiceStore(tables), StripeConfirmations.Local(tables), new LedgerName(Options.Create(new LedgerOptions()), tables),
            Options.Create(options), TimeProvider.System, NullLogger<BurnExecutor>.Instance);
        // With a snapshot, as a run that priced it and then found the treasury short leaves it: the quote and its amount stored, nothing signed.
        var intent = await PaidBurns.CreateAsync(tables, 12_345, snapshot is null ? null
            : pending => pending with { Price = snapshot, TokenAmount = TokenMath.UsdMinorToTokens(12_345, snapshot, 8), Decimals = 8, Mint = mint.ToString() });
        return (executor, burns, rpc, mint, intent);
    }

    /// <summary>Runs the executor once and checks the burn waits with <paramref name="reason"/>: still pending, nothing signed, no token burned.</summary>
    private static async Task RunAndAssertWaitsAsync(BurnExecutor executor, BurnStore burns, SolanaRpcClient rpc, PublicKey mint, string burnId, string reason)
    {
        ulong supply = (await rpc.GetTokenSupplyAsync(mint, Commitment.Confirmed, Ct)).Amount;

        await executor.RunAsync(Ct);

        var waiting = (await burns.GetAsync(burnId, Ct))!.Value.Intent;
        Assert.Equal(BurnStatus.Pending, waiting.Status);
        Assert.Contains(reason, waiting.Reason, StringComparison.Ordinal);
        Assert.Null(waiting.Signature);
        Assert.Equal(supply, (await rpc.GetTokenSupplyAsync(mint, Commitment.Confirmed, Ct)).Amount);
    }

    /// <summary>Runs the executor once and checks the burn landed once, for <paramref name="tokens"/> base units, and the supply fell by exactly that.</summary>
    private static async Task RunAndAssertBurnedOnceAsync(BurnExecutor executor, BurnStore burns, SolanaRpcClient rpc, PublicKey mint, string burnId, ulong tokens)
    {
        ulong supply = (await rpc.GetTokenSupplyAsync(mint, Commitment.Confirmed, Ct)).Amount;

        await executor.RunAsync(Ct);

        var landed = (await burns.GetAsync(burnId, Ct))!.Value.Intent;
        Assert.Equal((BurnStatus.Finalized, tokens, 1), (landed.Status, landed.TokenAmount, landed.Signings));
        Assert.Null(landed.Reason);
        Assert.Equal(supply - tokens, (await rpc.GetTokenSupplyAsync(mint, Commitment.Confirmed, Ct)).Amount);
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
        var feed = new SwitchableFeed(() => Pyth(status, exponent, confidence: confidence,
            publishedAt: publishedIn is { } ahead ? DateTimeOffset.UtcNow.ToUnixTimeSeconds() + ahead : long.MaxValue));
        var (executor, burns, rpc, mint, intent) = await ArrangeAsync(feed);

        await RunAndAssertWaitsAsync(executor, burns, rpc, mint, intent.Id, reason);

        feed.Usable = true;
        await RunAndAssertBurnedOnceAsync(executor, burns, rpc, mint, intent.Id, AtTwoFifty);
    }

    /// <summary>
    /// Band (MinTokenPriceUsd, MaxTokenPriceUsd; null: unset), the quote's mantissa at exponent -8, and the reason the burn waits
    /// with. Each was burned at the quote before the band existed: a million times too many tokens, or none at all.
    /// </summary>
    public static TheoryData<string?, string?, long, string> QuotesOutsideTheBand => new()
    {
        { "1.00", "10.00", 250, "the pyth:test-feed quote 0.00000250 USD is below Billing:Burns:MinTokenPriceUsd 1.00 (band 1.00..10.00 USD)" },
        { "1.00", "10.00", 250_000_000_000_000, "the pyth:test-feed quote 2500000.00000000 USD is above Billing:Burns:MaxTokenPriceUsd 10.00 (band 1.00..10.00 USD)" },
        { "2.5", null, 249_999_999, "the pyth:test-feed quote 2.49999999 USD is below Billing:Burns:MinTokenPriceUsd 2.5 (band 2.5.. USD)" }, // one unit of -8 below
        { null, "2.5", 250_000_001, "the pyth:test-feed quote 2.50000001 USD is above Billing:Burns:MaxTokenPriceUsd 2.5 (band ..2.5 USD)" },
    };

    [Theory]
    [MemberData(nameof(QuotesOutsideTheBand))]
    public async Task RunAsync_QuoteOutsideThePriceBand_WaitsNamingQuoteBandAndSettingThenBurnsInside(string? min, string? max, long mantissa, string reason)
    {
        var feed = new SwitchableFeed(() => Pyth(1, mantissa: mantissa));
        var (executor, burns, rpc, mint, intent) = await ArrangeAsync(feed, min, max);

        await RunAndAssertWaitsAsync(executor, burns, rpc, mint, intent.Id, "waiting for a price within the band: " + reason);

        feed.Usable = true; // 2.50: inside every band above
        await RunAndAssertBurnedOnceAsync(executor, burns, rpc, mint, intent.Id, AtTwoFifty);
    }

    /// <summary>Band, and a quote inside it (mantissa at exponent -8) with what 123.45 USD burns at it: the bounds are inclusive and compared exactly.</summary>
    [Theory]
    [InlineData("1.00", "10.00", 250_000_000, AtTwoFifty)]
    [InlineData("2.5", "2.500000000000000000", 250_000_000, AtTwoFifty)] // both bounds equal the quote, at other exponents
    [InlineData("0.000000000000000001", null, 250_000_000_000, 4_938_000UL)] // only a floor, the smallest: 2500 USD is taken
    public async Task RunAsync_QuoteInsideThePriceBand_Burns(string? min, string? max, long mantissa, ulong tokens)
    {
        var (executor, burns, rpc, mint, intent) = await ArrangeAsync(new SwitchableFeed(() => Pyth(1, mantissa: mantissa)), min, max);

        await RunAndAssertBurnedOnceAsync(executor, burns, rpc, mint, intent.Id, tokens);
    }

    [Fact]
    public async Task RunAsync_SnapshotOutsideABandSetLater_WaitsThenBurnsOnceAtAFreshQuoteInside()
    {
        // Priced at 2.50 and left pending; the operator then sets the band 3..10, and the feed still says 2.50.
        var feed = new SwitchableFeed(() => Pyth(1), () => Pyth(1, mantissa: 400_000_000));
        var (executor, burns, rpc, mint, intent) = await ArrangeAsync(feed, "3", "10", snapshot: Pyth(1));

        await RunAndAssertWaitsAsync(executor, burns, rpc, mint, intent.Id, "below Billing:Burns:MinTokenPriceUsd 3 (band 3..10 USD)");

        feed.Usable = true; // 4.00 USD
        await RunAndAssertBurnedOnceAsync(executor, burns, rpc, mint, intent.Id, 3_086_250_000UL); // 123.45 / 4.00 tokens
        Assert.Equal("4.00000000", (await burns.GetAsync(intent.Id, Ct))!.Value.Intent.Price!.ToString());

        ulong supply = (await rpc.GetTokenSupplyAsync(mint, Commitment.Confirmed, Ct)).Amount;
        await executor.RunAsync(Ct);
        Assert.Equal(supply, (await rpc.GetTokenSupplyAsync(mint, Commitment.Confirmed, Ct)).Amount);
    }
}
