namespace Billing.Application.Tests.Burns;

/// <summary>
/// One burn test's own mint (so supply assertions stay its own) and tables on the burn tests' private localnet, the
/// executors it runs, and the checks of what they left on chain and in the ledger.
/// </summary>
public sealed class BurnHarness
{
    /// <summary>docs/contract.md §7: the default intent, 123.45 USD at 2.50, burns 49.38 tokens.</summary>
    public const ulong DefaultIntentTokens = 4_938_000_000;

    private static readonly CancellationToken Ct = CancellationToken.None;

    public required BurnStore Burns { get; init; }
    public required SolanaRpcClient Rpc { get; init; }
    public required PublicKey Mint { get; init; }
    public required PublicKey TreasuryAta { get; init; }
    public required Func<ISolanaRpcClient, BurnExecutor> NewExecutorWith { get; init; }
    public required LedgerStore Ledger { get; init; }
    public required BillingTables Tables { get; init; }

    public BurnExecutor NewExecutor() => NewExecutorWith(Rpc);

    /// <summary>
    /// Runs an executor whose process dies at <paramref name="point"/> (its run ends with <see cref="SimulatedCrashException"/>)
    /// and returns the intent as the crash left it stored.
    /// </summary>
    public async Task<BurnIntent> CrashAsync(CrashPoint point, string intentId)
    {
        await Assert.ThrowsAsync<SimulatedCrashException>(() => NewExecutorWith(new CrashingRpc(Rpc, point)).RunAsync(Ct));
        return await GetAsync(intentId);
    }

    public async Task<BurnIntent> CreateIntentAsync(long usdMinor = 12_345)
    {
        var intent = SampleBurns.Pending(BurnIntent.IdFor($"INV-carrier-tmo-{Guid.NewGuid():N}"[..30]), "INV-carrier-tmo-202610", usdMinor, DateTimeOffset.UtcNow);
        return (await Burns.CreateIfAbsentAsync(intent, Ct)).Intent;
    }

    public async Task<BurnIntent> GetAsync(string id) => (await Burns.GetAsync(id, Ct))!.Value.Intent;

    public async Task<ulong> SupplyAsync() => (await Rpc.GetTokenSupplyAsync(Mint, Commitment.Confirmed, Ct)).Amount;

    public async Task<ulong> BalanceAsync() => (await Rpc.GetTokenAccountBalanceAsync(TreasuryAta, Commitment.Confirmed, Ct)).Amount;

    public static async Task<BurnHarness> NewAsync(BurnChainFixture chain, ulong balance = 1_000_000_000_000, string price = "2.50", TimeSpan? priceAge = null, ulong computeUnitPrice = 0)
    {
        var rpc = chain.Localnet.CreateClient(o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(2);
            o.MaxRetryAttempts = 2;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(50);
            o.UseJitter = false;
        });
        await chain.Localnet.AdminAsync("admin_clearFaults", [], Ct); // faults a previous test armed but did not use
        var treasury = chain.Localnet.LoadTreasury();
        var (mint, ata) = await chain.Localnet.CreateMintWithBalanceAsync(rpc, treasury, treasury, balance, Ct);
        var tables = await chain.Azurite.NewTablesAsync();
        var burns = new BurnStore(tables);
        var ledger = new LedgerStore(tables);
        await ledger.EnsureCreatedAsync(Ct);
        var solana = Options.Create(new SolanaOptions { Mint = mint.ToString(), TreasuryKeypair = new JsonArray(chain.Localnet.Info.TreasuryKeypair.Select(b => (JsonNode?)(int)b).ToArray()).ToJsonString() });
        var burnOptions = Options.Create(new BurnOptions { ConfirmationWait = TimeSpan.FromSeconds(10), LeaseDuration = TimeSpan.FromSeconds(60), ComputeUnitPrice = computeUnitPrice });
        IPriceOracle oracle = priceAge is { } age ? new StaleOracle(price, age) : new FixedPriceOracle(price, TimeProvider.System);
        return new BurnHarness
        {
            Burns = burns,
            Rpc = rpc,
            Mint = mint,
            TreasuryAta = ata,
            Ledger = ledger,
            Tables = tables,
            NewExecutorWith = executorRpc => new BurnExecutor(burns, executorRpc, oracle, new TreasuryProvider(solana, rpc), new LedgerRecorder(ledger, new PartnerStore(tables), TimeProvider.System), new CreditNoteStore(tables), new RefundStore(tables), new PaymentStore(tables), new InvoiceStore(tables), new LedgerName(Options.Create(new LedgerOptions()), tables), burnOptions, TimeProvider.System, NullLogger<BurnExecutor>.Instance),
        };
    }

    /// <summary>A fresh harness with one pending intent of the default amount, and the mint's supply before any burn.</summary>
    public static async Task<(BurnHarness H, BurnIntent Intent, ulong Supply)> NewWithIntentAsync(BurnChainFixture chain, ulong computeUnitPrice = 0)
    {
        var h = await NewAsync(chain, computeUnitPrice: computeUnitPrice);
        var intent = await h.CreateIntentAsync();
        return (h, intent, await h.SupplyAsync());
    }

    /// <summary>The intent as stored now, after checking it landed exactly once, on chain and in the ledger.</summary>
    public async Task<BurnIntent> AssertLandedOnceAsync(string intentId, ulong supplyBefore, ulong expectedAmount = DefaultIntentTokens)
    {
        var final = await GetAsync(intentId);
        Assert.Equal(BurnStatus.Finalized, final.Status);
        Assert.Equal(expectedAmount, final.TokenAmount);
        Assert.Equal(supplyBefore - expectedAmount, await SupplyAsync());
        var tx = await Rpc.GetTransactionAsync(final.Signature!, Commitment.Confirmed, Ct);
        Assert.NotNull(tx);
        Assert.Null(tx!.Meta!.Error);
        Assert.Contains(tx.Meta.LogMessages, l => l.Contains(final.Memo, StringComparison.Ordinal));
        Assert.Equal(final.Slot, tx.Slot);
        var entries = await Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct);
        var booked = Assert.Single(entries, e => e.EntryId == "burn:" + final.Id);
        Assert.Equal((long)expectedAmount, booked.Postings.Where(p => p.Asset == Assets.Token && p.Amount > 0).Sum(p => p.Amount));
        Assert.Empty(HashChain.Verify(entries));
        return final;
    }

    private sealed class StaleOracle(string price, TimeSpan age) : IPriceOracle
    {
        public Task<PriceQuote> GetQuoteAsync(CancellationToken cancellationToken) => Task.FromResult(PriceQuote.Parse(price, DateTimeOffset.UtcNow - age, "stale-test"));
    }
}
