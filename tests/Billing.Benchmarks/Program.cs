using Billing.Benchmarks.Benchmarks;

namespace Billing.Benchmarks;

/// <summary>
/// Options: <c>--quick</c> (small sizes, a smoke run well under a minute), <c>--only metering|e2e|rollups|burns|ledger|usage</c> (<c>close</c> = rollups) (repeatable or
/// comma-separated), <c>--close-facts N</c> (facts of the rollup benchmark's payer, default 1,000,000), <c>--close-rounds N</c>, <c>--close-insert-budget S</c>,
/// <c>--e2e-hotspots N</c> (hotspots of the end-to-end workload, default 256), <c>--out PATH</c> (default bench/results.json;
/// bench/results.quick.json for --quick).
/// </summary>
public sealed record BenchOptions(bool Quick, IReadOnlySet<string> Only, int? CloseFacts, int? CloseRounds, int? CloseInsertBudgetSeconds, string? Out, int? LedgerEntries = null)
{
    /// <summary>Hotspots of the end-to-end workload's carrier: 256 keeps its hour and day rows coarse (docs/design.md §6), 64 keeps them fine.</summary>
    public int? E2eHotspots { get; init; }

    public static readonly string[] All = ["metering", "e2e", "rollups", "burns", "ledger", "usage"];

    public bool Runs(string name) => Only.Count == 0 || Only.Contains(name);

    public static BenchOptions Parse(string[] args)
    {
        bool quick = false;
        var only = new HashSet<string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal); // the positive-integer options, by name
        string? output = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Positive(string text) => int.TryParse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out int n) && n > 0
                ? n
                : throw new ArgumentException($"'{text}' is not a positive integer");
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--only":
                    foreach (var name in Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        string known = name == "close" ? "rollups" : name; // benchmark 3 was called close before it measured rollups
                        only.Add(All.Contains(known) ? known : throw new ArgumentException($"--only: unknown benchmark '{name}' (metering|e2e|rollups|burns|ledger|usage)"));
                    }

                    break;
                case "--ledger-entries" or "--close-facts" or "--close-rounds" or "--close-insert-budget" or "--e2e-hotspots":
                    string option = args[i];
                    counts[option] = Positive(Value());
                    break;
                case "--out":
                    output = Value();
                    break;
                case "-h" or "--help":
                    throw new HelpRequested();
                default:
                    throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }

        int? Count(string option) => counts.TryGetValue(option, out int n) ? n : null;
        return new BenchOptions(quick, only, Count("--close-facts"), Count("--close-rounds"), Count("--close-insert-budget"), output, Count("--ledger-entries"))
        {
            E2eHotspots = Count("--e2e-hotspots"),
        };
    }

    public JsonObject ToJson() => new()
    {
        ["quick"] = Quick,
        ["only"] = new JsonArray(All.Where(Runs).Select(n => (JsonNode?)n).ToArray()),
        ["closeFacts"] = CloseFacts,
        ["closeRounds"] = CloseRounds,
        ["closeInsertBudgetSeconds"] = CloseInsertBudgetSeconds,
        ["e2eHotspots"] = E2eHotspots,
    };
}

public sealed class HelpRequested : Exception;

public static class Program
{
    private const string Usage = """
        usage: ./run bench [--quick] [--only metering|e2e|rollups|burns|ledger|usage] [--ledger-entries N] [--close-facts N] [--close-rounds N] [--close-insert-budget S] [--e2e-hotspots N] [--out PATH]
          --quick           small sizes: a smoke run that finishes in well under a minute
          --only NAME       run only these benchmarks (repeat, or comma-separate; close = rollups)
          --close-facts N   facts of the rollup benchmark's payer (default 1,000,000; quick 5,000)
          --close-rounds N  interleaved rounds of the rollup benchmark (default 1 above 300,000 facts, else 2)
          --close-insert-budget S  stop inserting facts after S seconds and benchmark what is there
                            (default 75; quick 20): keeps ./run bench short; the full 1,000,000:
                            ./run bench --only rollups --close-insert-budget 1500
          --e2e-hotspots N  hotspots of the end-to-end workload (default 256: its hour and day rollup
                            rows turn coarse in the warm-up; 64 keeps them fine, as for a smaller carrier)
          --out PATH        results file (default bench/results.json; --quick: bench/results.quick.json)
        Exit code 0 when every benchmark ran (targets missed are reported, not failures); 1 on errors; 2 on bad options.
        """;

    public static async Task<int> Main(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (HelpRequested)
        {
            Console.WriteLine(Usage);
            return 0;
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };

        var clock = Stopwatch.StartNew();
        void Log(string message) => Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0}s] {message}");

        string root = RepositoryRoot.Path;
        var results = new List<BenchmarkResult>();
        await using var services = new Services(Log);
        Log($"benchmarks: {string.Join(", ", BenchOptions.All.Where(options.Runs))}{(options.Quick ? " (quick)" : "")}; {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");

        async Task Guard(string name, Func<Task<BenchmarkResult>> run)
        {
            if (!options.Runs(name))
            {
                return;
            }

            Log($"{name}: starting");
            var watch = Stopwatch.StartNew();
            try
            {
                var result = await run();
                result.Figures["seconds"] = Fmt.Round(watch.Elapsed.TotalSeconds, 1);
                results.Add(result);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cts.IsCancellationRequested)
            {
                Log($"{name}: FAILED: {ex}");
                results.Add(new BenchmarkResult(name) { Error = ex.GetType().Name + ": " + ex.Message });
            }

            Log($"{name}: done in {Fmt.Seconds(watch.Elapsed)}");
        }

        try
        {
            // CPU-only first, while nothing else runs on the machine.
            await Guard("metering", () => Task.FromResult(MeteringHotPath.Run(options, Log)));

            if (options.Runs("e2e") || options.Runs("rollups") || options.Runs("burns") || options.Runs("ledger") || options.Runs("usage"))
            {
                await services.StartAzuriteAsync(cts.Token);
            }

            await Guard("e2e", () => EndToEnd.RunAsync(options, services.StorageConnectionString!, services.StorageCpu, Log, cts.Token));
            await Guard("burns", async () =>
            {
                await services.StartLocalnetAsync(cts.Token);
                var localnet = new LocalnetFixture();
                var azurite = new AzuriteFixture();
                await localnet.InitializeAsync(); // uses the localnet just started (BILLING_TEST_SOLANA_RPC/INFO, this process only)
                await azurite.InitializeAsync();  // likewise BILLING_TEST_STORAGE
                try
                {
                    return await BurnThroughput.RunAsync(options, localnet, azurite, Log, cts.Token);
                }
                finally
                {
                    await localnet.DisposeAsync();
                    await azurite.DisposeAsync();
                }
            });
            await Guard("ledger", async () =>
            {
                await services.StartLocalnetAsync(cts.Token);
                var localnet = new LocalnetFixture();
                var azurite = new AzuriteFixture();
                await localnet.InitializeAsync();
                await azurite.InitializeAsync();
                try
                {
                    return await LedgerVerify.RunAsync(options, localnet, azurite, Log, cts.Token);
                }
                finally
                {
                    await localnet.DisposeAsync();
                    await azurite.DisposeAsync();
                }
            });
            await Guard("usage", () => UsageNearCap.RunAsync(options, services.StorageConnectionString!, Log, cts.Token));
            // Last: the biggest, and its working-set figure is cleanest with the other benchmarks' garbage collected.
            await Guard("rollups", () => Rollups.RunAsync(options, services.StorageConnectionString!, Log, cts.Token));
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Log("interrupted");
            return 130;
        }

        Report.PrintTable(results);
        string output = options.Out ?? Path.Combine(root, "bench", options.Quick ? "results.quick.json" : options.Only.Count > 0 ? $"results.{string.Join("-", BenchOptions.All.Where(options.Runs))}.json" : "results.json");
        Report.WriteJson(output, options.ToJson(), results, clock.Elapsed);
        Console.WriteLine($"results: {Path.GetRelativePath(Directory.GetCurrentDirectory(), output)}  (total {Fmt.Seconds(clock.Elapsed)})");
        int missed = results.SelectMany(r => r.Rows).Count(r => r.Pass == false);
        if (missed > 0)
        {
            Console.WriteLine($"{missed} target(s) missed (reported, not an error)");
        }

        return results.Any(r => r.Error is not null) ? 1 : 0;
    }
}
