using Billing.Domain.Burns;
using Billing.Domain.Invoicing;
using Billing.Solana.Programs;
using Billing.Solana.Rpc;
using Billing.Solana.Transactions;

namespace Billing.Benchmarks.Benchmarks;

/// <summary>
/// Benchmark 4 — burn throughput on the localnet: paid invoices/s to finalized burns. The candidate: N burn intents
/// created with <see cref="BurnStore"/> (not timed: that is the webhook's work), then <see cref="BurnExecutor.RunAsync"/>
/// called until all N are finalized (timed) — lease, price snapshot, balance check, sign, durable signed state, send,
/// durable submitted state, finality check, durable finalized state. The floor: the same N transactions (compute-unit
/// limit + burn marker + BurnChecked + Memo, same treasury and mint), each built on a fresh blockhash, signed, sent and polled until
/// finalized with the RPC client, one at a time (the executor also keeps one burn in flight per treasury).
/// </summary>
public static class BurnThroughput
{
    private const long UsdMinor = 12_345; // docs/contract.md §7 example: 123.45 USD at 2.50 → 4,938,000,000 base units (8 decimals)

    public static async Task<BenchmarkResult> RunAsync(BenchOptions options, LocalnetFixture localnet, AzuriteFixture azurite, Action<string> log, CancellationToken ct)
    {
        var result = new BenchmarkResult("burns");
        int rounds = options.Quick ? 1 : 3;
        int burnsPerRound = options.Quick ? 3 : 25;

        var rpc = localnet.CreateClient(o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(5);
            o.MaxRetryAttempts = 2;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(50);
        });
        var treasury = localnet.LoadTreasury();
        var (mint, ata) = await localnet.CreateMintWithBalanceAsync(rpc, treasury, treasury, 1_000_000_000_000_000, ct);
        var tables = await azurite.NewTablesAsync();
        var burns = new BurnStore(tables);
        var solana = Options.Create(new SolanaOptions
        {
            Mint = mint.ToString(),
            TreasuryKeypair = new JsonArray(localnet.Info.TreasuryKeypair.Select(b => (JsonNode?)(int)b).ToArray()).ToJsonString(),
        });
        var burnOptions = Options.Create(new BurnOptions { ConfirmationWait = TimeSpan.FromSeconds(10), LeaseDuration = TimeSpan.FromSeconds(120) });
        var oracle = new FixedPriceOracle("2.50", TimeProvider.System);
        var executor = new BurnExecutor(burns, rpc, oracle, new TreasuryProvider(solana, rpc), new NoLedger(), new CreditNoteStore(tables), new RefundStore(tables), new PaymentStore(tables), new InvoiceStore(tables), LocalConfirmation(tables), new LedgerName(Options.Create(new LedgerOptions()), tables), burnOptions, TimeProvider.System, NullLogger<BurnExecutor>.Instance);
        var checker = new SignatureStatusChecker(rpc);
        ulong amount = TokenMath.UsdMinorToTokens(UsdMinor, PriceQuote.Parse("2.50", DateTimeOffset.UtcNow, "bench"), 8);
        int executorRuns = 0;
        int next = 0;

        async Task<Sample> Candidate(int round, int count)
        {
            var ids = new List<string>(count);
            var now = DateTimeOffset.UtcNow;
            for (int i = 0; i < count; i++)
            {
                string invoice = $"INV-bench-{Interlocked.Increment(ref next):D6}-202610";
                var pending = SampleBurns.Pending(BurnIntent.IdFor(invoice), invoice, UsdMinor, now);
                await PaidBurns.PaidInvoiceAsync(tables, invoice, pending.PaymentId, UsdMinor); // the executor burns only what a paid invoice leaves
                var (intent, _) = await burns.CreateIfAbsentAsync(pending, ct);
                ids.Add(intent.Id);
            }

            long start = Stopwatch.GetTimestamp();
            int finalized = 0;
            for (int run = 0; finalized < count && run < count * 4 + 10; run++)
            {
                var summary = await executor.RunAsync(ct);
                Interlocked.Increment(ref executorRuns);
                finalized += summary.Finalized;
            }

            var elapsed = Stopwatch.GetElapsedTime(start);
            foreach (var id in ids)
            {
                var stored = await burns.GetAsync(id, ct);
                if (stored?.Intent is not { Status: BurnStatus.Finalized, Signings: 1 } done || done.TokenAmount != amount)
                {
                    throw new InvalidOperationException($"burn {id} ended {stored?.Intent.Status} ({stored?.Intent.Reason})");
                }
            }

            return new Sample(count, elapsed);
        }

        async Task<Sample> Baseline(int round, int count)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < count; i++)
            {
                var blockhash = await rpc.GetLatestBlockhashAsync(Commitment.Confirmed, ct);
                int n = Interlocked.Increment(ref next);
                var builder = new TransactionBuilder().SetFeePayer(treasury).SetRecentBlockHash(blockhash.Blockhash)
                    .AddInstruction(ComputeBudgetProgram.SetComputeUnitLimit(burnOptions.Value.ComputeUnitLimit));
                foreach (var instruction in BurnMarker.For(treasury, "bench-raw", $"raw-{n:D6}-{Guid.NewGuid():N}").Set(897_840))
                {
                    builder.AddInstruction(instruction); // the same marker the executor sets, so the floor carries the same transaction
                }

                var transaction = builder
                    .AddInstruction(TokenProgram.BurnChecked(ata, mint, treasury.PublicKey, amount, 8))
                    .AddInstruction(MemoProgram.NewMemo($"billing:burn:v1:INV-raw-{n:D6}:raw", treasury.PublicKey))
                    .BuildTransaction()
                    .Sign(treasury);
                string signature = await rpc.SendTransactionAsync(transaction.Serialize(), new SendTransactionOptions(PreflightCommitment: Commitment.Confirmed), ct);
                var check = await checker.WaitAsync(signature, blockhash.LastValidBlockHeight, Commitment.Finalized, TimeSpan.FromMilliseconds(20), ct);
                if (check.Outcome != SignatureOutcome.Landed)
                {
                    throw new InvalidOperationException($"raw burn {signature}: {check.Outcome}");
                }
            }

            return new Sample(count, Stopwatch.GetElapsedTime(start));
        }

        // Warm-up: one of each (connections, JIT, the lease row, the treasury lookup).
        await Candidate(-1, 1);
        await Baseline(-1, 1);
        executorRuns = 0;

        var comparison = await Comparison.RunAsync(rounds, r => Candidate(r, burnsPerRound), r => Baseline(r, burnsPerRound), log, "burns");
        result.Rows.Add(comparison.RateRow(
            "4. burns: paid invoices → finalized",
            "burns",
            minRatio: null,
            $"BurnExecutor.RunAsync until {burnsPerRound} intents are finalized ({executorRuns} runs) vs sign+send+poll-finalized of the same marker+BurnChecked+Memo txs, one at a time; median of {rounds} ABBA round(s)"));

        result.Figures["rounds"] = rounds;
        result.Figures["burnsPerRound"] = burnsPerRound;
        result.Figures["burnsPerSecond"] = Fmt.Round(comparison.CandidateRate, 2);
        result.Figures["rawBurnsPerSecond"] = Fmt.Round(comparison.BaselineRate, 2);
        comparison.AddRatioFigures(result.Figures);
        result.Figures["executorRuns"] = executorRuns;
        result.Figures["tokenAmountPerBurn"] = amount;
        result.Figures["perRound"] = MeteringHotPath.PerRound(comparison);
        return result;
    }

    /// <summary>No Stripe key, tables on this machine: payments proceed unconfirmed (Stripe's answer time is not the executor's).</summary>
    private static Billing.Application.Payments.PaymentConfirmation LocalConfirmation(BillingTables tables) =>
        new(new Billing.Payments.StripeInvoiceConfirmation(new Billing.Payments.StripeConnection(Options.Create(new Billing.Payments.StripeOptions())), NullLogger<Billing.Payments.StripeInvoiceConfirmation>.Instance),
            new InvoiceStore(tables), Options.Create(new StorageOptions { ConnectionString = "UseDevelopmentStorage=true" }), NullLogger<Billing.Application.Payments.PaymentConfirmation>.Instance);

    /// <summary>The ledger has its own benchmarks-to-be; here its writes are left out of both sides.</summary>
    private sealed class NoLedger : ILedgerRecorder
    {
        public Task InvoiceFinalizedAsync(Invoice invoice, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PaymentReceivedAsync(PaymentRecord payment, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PaymentAppliedAsync(PaymentRecord payment, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task TokensBurnedAsync(BurnIntent burn, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<bool> IsBookedAsync(string entryId, CancellationToken cancellationToken) => Task.FromResult(false);

        public Task<Billing.Domain.Ledger.LedgerEntry?> EntryAsync(string entryId, CancellationToken cancellationToken) => Task.FromResult<Billing.Domain.Ledger.LedgerEntry?>(null);

        public Task<IReadOnlyList<Billing.Domain.Ledger.LedgerEntry>> IndexedAsync(string subject, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<Billing.Domain.Ledger.LedgerEntry>>([]);

        public Task<bool> IsIndexCompleteAsync(CancellationToken cancellationToken) => Task.FromResult(true);
    }
}
