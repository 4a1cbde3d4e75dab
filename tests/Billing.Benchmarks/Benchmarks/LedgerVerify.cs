using Billing.Domain.Ledger;
using Billing.Storage.Ledger;
using Billing.Tests.Shared;

namespace Billing.Benchmarks.Benchmarks;

/// <summary>
/// Benchmark 5 — ledger verify over N entries (default 100,000; <c>--ledger-entries N</c>) on Azurite + the localnet.
/// The entries are appended with <see cref="LedgerStore.AppendBatchAsync"/> and anchored by <see cref="LedgerAnchorService"/>
/// (10,000 per anchor), neither timed. The candidate is <see cref="LedgerAudit.VerifyAsync"/>: the authority's memos read
/// from the chain, every entry streamed once (hash, link, rules), every anchor root recomputed, the table's rows checked.
/// The floor is a raw scan of the same rows (<see cref="LedgerStore.ReadAsync"/>, no checks). Balances are timed too.
/// Peak working set is sampled during verify.
/// </summary>
public static class LedgerVerify
{
    public static async Task<BenchmarkResult> RunAsync(BenchOptions options, LocalnetFixture localnet, AzuriteFixture azurite, Action<string> log, CancellationToken ct)
    {
        var result = new BenchmarkResult("ledger");
        int count = options.LedgerEntries ?? (options.Quick ? 2_000 : 100_000); // --quick is a smoke run
        var tables = await azurite.NewTablesAsync();
        var ledger = new LedgerStore(tables, TestSeals.Keys);
        var anchors = new AnchorStore(tables);
        await ledger.EnsureCreatedAsync(ct);
        await anchors.EnsureCreatedAsync(ct);
        var rpc = localnet.CreateClient();
        var treasury = new TreasuryProvider(Options.Create(new SolanaOptions { LocalnetInfoFile = localnet.InfoFile }), rpc);
        var ledgerOptions = Options.Create(new LedgerOptions { MaxEntriesPerAnchor = 10_000, AnchorInterval = TimeSpan.FromHours(1) });
        var authority = new AnchorAuthority(ledgerOptions, treasury, tables);
        var anchoring = new LedgerAnchorService(ledger, anchors, rpc, authority,
            new PartnerAuditPinner(ledger, new PartnerStore(tables), new PartnerPinCursor(tables), TimeProvider.System, NullLogger<PartnerAuditPinner>.Instance), ledgerOptions, TimeProvider.System, NullLogger<LedgerAnchorService>.Instance);
        var audit = new LedgerAudit(ledger, anchors, new InvoiceStore(tables), new PaymentStore(tables), new BurnStore(tables), new CreditNoteStore(tables), new RefundStore(tables), new InvoicePaymentLinkStore(tables), new FactStore(tables), new PartnerStore(tables), rpc, authority, ledgerOptions, Options.Create(new Billing.Application.Invoicing.InvoicingOptions()), TimeProvider.System);

        var insert = Stopwatch.StartNew();
        var at = DateTimeOffset.UtcNow;
        for (int start = 0; start < count; start += 4_900)
        {
            var drafts = Enumerable.Range(start, Math.Min(4_900, count - start)).Select(i => new LedgerEntryDraft(
                $"payment:evt_bench_{i:D7}", LedgerEntryKind.PaymentReceived, at,
                [Posting.Debit("cash:stripe", "USD", 1_000 + i), Posting.Credit("receivable:carrier-bench", "USD", 1_000 + i)],
                new Dictionary<string, string> { ["payer"] = "carrier-bench", ["stripeEventId"] = $"evt_bench_{i:D7}" })).ToList();
            await ledger.AppendBatchAsync(LedgerEntries.MainBook, drafts, ct);
        }

        log($"ledger: appended {Fmt.Int(count)} entries in {Fmt.Seconds(insert.Elapsed)}");
        var anchorWatch = Stopwatch.StartNew();
        int runs = 0;
        while ((await anchoring.RunAsync(ct)).Status == "confirmed")
        {
            runs++;
        }

        log($"ledger: {runs} anchors in {Fmt.Seconds(anchorWatch.Elapsed)}");

        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        long baseline = Environment.WorkingSet;
        long peak = baseline;
        using var sampler = new Timer(_ => peak = Math.Max(peak, Environment.WorkingSet), null, 0, 5);
        var verifyWatch = Stopwatch.StartNew();
        var verification = await audit.VerifyAsync(ct);
        verifyWatch.Stop();
        if (!verification.Ok || verification.Entries != count)
        {
            throw new InvalidOperationException($"verify of the benchmark ledger failed: {verification.Entries} entries, {string.Join("; ", verification.Problems.Take(3))}");
        }

        var scanWatch = Stopwatch.StartNew();
        int scanned = 0;
        await foreach (var _ in ledger.ReadAsync(LedgerEntries.MainBook, 1, ct))
        {
            scanned++;
        }

        scanWatch.Stop();
        var balancesWatch = Stopwatch.StartNew();
        await ledger.BalancesAsync(LedgerEntries.MainBook, ct);
        balancesWatch.Stop();

        var (fullRows, newRows, appended) = await IncrementalBalancesAsync(ledger, new LedgerReader(ledger, anchors, authority, rpc), at, ct);
        double ratio = scanWatch.Elapsed.TotalSeconds / verifyWatch.Elapsed.TotalSeconds;
        result.Rows.Add(new Row(
            $"5. ledger verify, {Fmt.Int(count)} entries, {verification.Anchors} anchors on chain",
            $"{Fmt.Num(verifyWatch.Elapsed.TotalSeconds, "0.0")} s ({Fmt.Rate(count / verifyWatch.Elapsed.TotalSeconds)} entries/s)",
            $"{Fmt.Num(scanWatch.Elapsed.TotalSeconds, "0.0")} s (raw scan)",
            ratio,
            "report",
            null,
            $"LedgerAudit.VerifyAsync (chain memos + streamed entries + roots) vs a raw scan of the same rows; peak working set +{(peak - baseline) / (1024 * 1024)} MiB; balances {Fmt.Num(balancesWatch.Elapsed.TotalSeconds, "0.0")} s"));
        result.Rows.Add(new Row(
            $"5b. ledger balances after {appended} new entries, {Fmt.Int(count)} in the book",
            $"{Fmt.Int(newRows)} entry rows read",
            $"{Fmt.Int(fullRows)} rows (first call, whole book)",
            (double)newRows / fullRows,
            "report",
            null,
            "LedgerReader.BalancesAsync keeps the sums as of a head sequence and reads only newer entries; rows counted by LedgerStore.EntryRowsRead, not timed"));
        result.Figures["balancesFirstCallRows"] = fullRows;
        result.Figures["balancesNextCallRows"] = newRows;
        result.Figures["entries"] = count;
        result.Figures["anchors"] = verification.Anchors;
        result.Figures["verifySeconds"] = Fmt.Round(verifyWatch.Elapsed.TotalSeconds, 2);
        result.Figures["rawScanSeconds"] = Fmt.Round(scanWatch.Elapsed.TotalSeconds, 2);
        result.Figures["balancesSeconds"] = Fmt.Round(balancesWatch.Elapsed.TotalSeconds, 2);
        result.Figures["ratio"] = Fmt.Round(ratio);
        result.Figures["peakWorkingSetDeltaMiB"] = (peak - baseline) / (1024 * 1024);
        result.Figures["appendSeconds"] = Fmt.Round(insert.Elapsed.TotalSeconds, 1);
        return result;
    }

    /// <summary>Entry rows read by a reader's first balances call, by its next one after <c>Appended</c> more entries, and that count.</summary>
    private static async Task<(long FullRows, long NewRows, int Appended)> IncrementalBalancesAsync(LedgerStore ledger, LedgerReader reader, DateTimeOffset at, CancellationToken ct)
    {
        const int Appended = 100;
        long before = ledger.EntryRowsRead;
        await reader.BalancesAsync(null, ct);
        long fullRows = ledger.EntryRowsRead - before;
        var drafts = Enumerable.Range(0, Appended).Select(i => new LedgerEntryDraft(
            $"payment:evt_bench_next_{i:D4}", LedgerEntryKind.PaymentReceived, at,
            [Posting.Debit("cash:stripe", "USD", 500 + i), Posting.Credit("receivable:carrier-bench", "USD", 500 + i)],
            new Dictionary<string, string> { ["payer"] = "carrier-bench", ["stripeEventId"] = $"evt_bench_next_{i:D4}" })).ToList();
        await ledger.AppendBatchAsync(LedgerEntries.MainBook, drafts, ct);
        before = ledger.EntryRowsRead;
        await reader.BalancesAsync("carrier-bench", ct);
        return (fullRows, ledger.EntryRowsRead - before, Appended);
    }
}
