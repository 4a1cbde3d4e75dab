using System.Security.Cryptography;
using Billing.Solana.Programs;
using Billing.Solana.Transactions;
using Billing.Tests.Shared;

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

    /// <summary>
    /// An executor after a change of the treasury key: <paramref name="keypairJson"/> (Solana CLI JSON) is the treasury owner,
    /// and <c>Billing:Burns:RetiredTreasuryOwners</c> lists <paramref name="retiredOwners"/>.
    /// </summary>
    public required Func<string, IReadOnlyList<string>, BurnExecutor> NewExecutorOf { get; init; }

    /// <summary>An executor that asks Stripe through <c>confirmation</c> before it signs (the others: no key, tables on this machine).</summary>
    public required Func<PaymentConfirmation, BurnExecutor> NewExecutorAsking { get; init; }

    /// <summary>As <see cref="NewExecutorAsking"/>, reading and writing burn rows through <c>burnTables</c> (another writer's interleavings).</summary>
    public required Func<PaymentConfirmation, BillingTables, BurnExecutor> NewExecutorAskingOver { get; init; }

    /// <summary>An executor whose ledger recorder is the real one seen through a test's wrapper (counting calls, say).</summary>
    public required Func<Func<ILedgerRecorder, ILedgerRecorder>, BurnExecutor> NewExecutorRecordingThrough { get; init; }

    /// <summary>The treasury owner the executors of <see cref="NewExecutor"/> sign with (the localnet's).</summary>
    public required Keypair Treasury { get; init; }
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

    /// <summary>A pending burn of <paramref name="usdMinor"/>, stored with its invoice of that total, paid in full.</summary>
    public Task<BurnIntent> CreateIntentAsync(long usdMinor = 12_345) => PaidBurns.CreateAsync(Tables, usdMinor);

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
        var ledger = new LedgerStore(tables, TestSeals.Keys);
        await ledger.EnsureCreatedAsync(Ct);
        IPriceOracle oracle = priceAge is { } age ? new StaleOracle(price, age) : new FixedPriceOracle(price, TimeProvider.System);
        BurnExecutor Executor(ISolanaRpcClient executorRpc, string keypairJson, IReadOnlyList<string> retiredOwners, PaymentConfirmation? confirmation = null, BillingTables? burnTables = null, Func<ILedgerRecorder, ILedgerRecorder>? recorderOver = null)
        {
            var solana = Options.Create(new SolanaOptions { Mint = mint.ToString(), TreasuryKeypair = keypairJson });
            var burnOptions = new BurnOptions { ConfirmationWait = TimeSpan.FromSeconds(10), LeaseDuration = TimeSpan.FromSeconds(60), ComputeUnitPrice = computeUnitPrice };
            foreach (var key in retiredOwners)
            {
                burnOptions.RetiredTreasuryOwners.Add(key);
            }

            return new BurnExecutor(burnTables is null ? burns : new BurnStore(burnTables), executorRpc, oracle, new TreasuryProvider(solana, rpc), (recorderOver ?? (r => r))(new LedgerRecorder(ledger, new PartnerStore(tables), TimeProvider.System)), new CreditNoteStore(tables), new RefundStore(tables), new PaymentStore(tables), new InvoiceStore(tables), confirmation ?? StripeConfirmations.Local(tables), new LedgerName(Options.Create(new LedgerOptions()), tables), Options.Create(burnOptions), TimeProvider.System, NullLogger<BurnExecutor>.Instance);
        }

        return new BurnHarness
        {
            Burns = burns,
            Rpc = rpc,
            Mint = mint,
            TreasuryAta = ata,
            Ledger = ledger,
            Tables = tables,
            Treasury = treasury,
            NewExecutorWith = executorRpc => Executor(executorRpc, KeypairJson(chain.Localnet.Info.TreasuryKeypair), []),
            NewExecutorOf = (keypairJson, retiredOwners) => Executor(rpc, keypairJson, retiredOwners),
            NewExecutorAsking = confirmation => Executor(rpc, KeypairJson(chain.Localnet.Info.TreasuryKeypair), [], confirmation),
            NewExecutorAskingOver = (confirmation, burnTables) => Executor(rpc, KeypairJson(chain.Localnet.Info.TreasuryKeypair), [], confirmation, burnTables),
            NewExecutorRecordingThrough = recorderOver => Executor(rpc, KeypairJson(chain.Localnet.Info.TreasuryKeypair), [], recorderOver: recorderOver),
        };
    }

    /// <summary>
    /// A new key holding <paramref name="tokens"/> of this test's mint, moved from the treasury's token account, and SOL for
    /// fees and markers: what a change of the treasury key starts with (README, "Changing the treasury key").
    /// </summary>
    public async Task<(string KeypairJson, Keypair Owner, PublicKey TokenAccount)> NewOwnerWithTokensAsync(ulong tokens)
    {
        byte[] seed = RandomNumberGenerator.GetBytes(Keypair.SeedLength);
        var owner = Keypair.FromSeed(seed);
        string json = KeypairJson([.. seed, .. owner.PublicKey.KeyBytes]);
        var ata = AssociatedTokenAccountProgram.DeriveAssociatedTokenAccount(owner.PublicKey, Mint);
        byte decimals = (byte)(await Rpc.GetTokenSupplyAsync(Mint, Commitment.Confirmed, Ct)).Decimals;
        var blockhash = await Rpc.GetLatestBlockhashAsync(Commitment.Confirmed, Ct);
        var move = new TransactionBuilder().SetFeePayer(Treasury).SetRecentBlockHash(blockhash.Blockhash)
            .AddInstruction(SystemProgram.Transfer(Treasury.PublicKey, owner.PublicKey, 10_000_000_000))
            .AddInstruction(AssociatedTokenAccountProgram.CreateIdempotent(Treasury.PublicKey, owner.PublicKey, Mint))
            .AddInstruction(TokenProgram.TransferChecked(TreasuryAta, Mint, ata, Treasury.PublicKey, tokens, decimals))
            .Build(Treasury);
        await LandAsync(await Rpc.SendTransactionAsync(move, null, Ct), blockhash.LastValidBlockHeight);
        return (json, owner, ata);
    }

    /// <summary>Waits until <paramref name="signature"/> is confirmed; a test setup that did not land fails the test.</summary>
    public async Task LandAsync(string signature, ulong lastValidBlockHeight)
    {
        var check = await new SignatureStatusChecker(Rpc).WaitAsync(signature, lastValidBlockHeight, Commitment.Confirmed, TimeSpan.FromMilliseconds(50), Ct);
        Assert.Equal(SignatureOutcome.Landed, check.Outcome);
    }

    /// <summary>A keypair's 64 bytes as the Solana CLI JSON array the treasury setting takes.</summary>
    private static string KeypairJson(byte[] secretKey) => new JsonArray(secretKey.Select(b => (JsonNode?)(int)b).ToArray()).ToJsonString();

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
