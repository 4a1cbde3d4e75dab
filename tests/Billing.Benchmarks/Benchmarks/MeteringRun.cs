namespace Billing.Benchmarks.Benchmarks;

/// <summary>
/// Benchmark 1's method, for any event pool: four cumulative variants over the same events — 0 parse + validate
/// (<see cref="UsageEventValidator.Validate"/>), 1 + the fact's partition and row keys (<see cref="FactStore"/>), 2 + the
/// payer plan's <see cref="UsageAccumulator"/> = the metering path, 3 the floor (System.Text.Json into a POCO) —
/// interleaved in slices; the ratio is metering against the floor, median of the rounds.
/// </summary>
public sealed class MeteringRun(int rounds, int eventsPerRound, bool quick, double minRatio, UsageEventValidator validator, ValidationContext context, FactStore facts)
{
    public const int SliceSize = 1024;

    /// <summary>Measures <paramref name="pool"/>: adds the rate row and the allocation row (<paramref name="rows"/>: their names and the
    /// candidate's description) to <paramref name="result"/> and every figure to <paramref name="figures"/>.</summary>
    public void Measure(
        (string Rate, string Allocations, string Candidate) rows,
        byte[][] pool,
        Func<UsageFact, UsageAccumulator> accumulatorFor,
        Func<byte[], long> rawRead,
        BenchmarkResult result,
        JsonObject figures,
        Action<string> log,
        string name)
    {
        long checksum = 0;
        string[] names = ["validate", "keys", "metering", "raw"];
        void Variant(int variant, int from, int count)
        {
            for (int i = from; i < from + count; i++)
            {
                byte[] raw = pool[i % pool.Length];
                if (variant == 3)
                {
                    checksum += rawRead(raw);
                    continue;
                }

                var validated = validator.Validate(raw, context);
                var fact = validated.Fact ?? throw new InvalidOperationException("benchmark event rejected: " + string.Join("; ", validated.Errors));
                if (variant == 0)
                {
                    checksum += fact.Id.Length;
                    continue;
                }

                checksum += facts.PartitionKey(fact.Payer, fact.Source, fact.Id).Length
                    + FactStore.IdentityRowKey(fact.Source, fact.Id).Length + FactStore.TimeRowKey(fact.Time, fact.Source, fact.Id).Length;
                if (variant == 2)
                {
                    accumulatorFor(fact).Add(fact);
                }
            }
        }

        var samples = Interleave(names, Variant, pool.Length, (round, last) =>
            log($"{name}: round {round + 1}/{rounds}: {Fmt.Rate(last[2].PerSecond)}/s vs {Fmt.Rate(last[3].PerSecond)}/s (ratio {last[2].PerSecond / last[3].PerSecond:0.000})"));

        var comparison = new Comparison();
        comparison.Candidate.AddRange(samples[2]);
        comparison.Baseline.AddRange(samples[3]);
        double Ns(int v) => Comparison.Median(samples[v].Select(x => x.Elapsed.TotalNanoseconds / x.Units));
        double Bytes(int v) => Comparison.Median(samples[v].Select(x => x.BytesPerUnit));
        double validateNs = Ns(0), keysNs = Ns(1), fullNs = Ns(2), rawNs = Ns(3);
        double bytesPerEvent = Bytes(2), rawBytesPerEvent = Bytes(3);
        double avgEventBytes = pool.Average(p => p.Length);
        string breakdown = $"ns/event: parse+validate {validateNs:0} + keys {keysNs - validateNs:0} + accumulate {fullNs - keysNs:0} = {fullNs:0}; floor {rawNs:0}";
        result.Rows.Add(comparison.RateRow(
            rows.Rate,
            "events",
            minRatio,
            $"{rows.Candidate} vs STJ→POCO, same bytes (avg {avgEventBytes:0} B); median of {rounds} rounds × {Fmt.Int(eventsPerRound)}, interleaved per {SliceSize} (range {comparison.MinRatio:0.00}–{comparison.MaxRatio:0.00})"));
        result.Rows.Add(new Row(
            rows.Allocations,
            $"{bytesPerEvent:0} B/event",
            $"{rawBytesPerEvent:0} B/event",
            rawBytesPerEvent > 0 ? bytesPerEvent / rawBytesPerEvent : null,
            "report",
            null,
            $"GC.GetAllocatedBytesForCurrentThread per event, median round (ratio = multiple of the floor); {breakdown}"));

        figures["breakdownNsPerEvent"] = new JsonObject
        {
            ["parseAndValidate"] = Fmt.Round(validateNs, 0),
            ["partitionAndRowKeys"] = Fmt.Round(keysNs - validateNs, 0),
            ["accumulate"] = Fmt.Round(fullNs - keysNs, 0),
            ["total"] = Fmt.Round(fullNs, 0),
            ["rawDeserialize"] = Fmt.Round(rawNs, 0),
        };
        figures["breakdownBytesPerEvent"] = new JsonObject { ["parseAndValidate"] = Fmt.Round(Bytes(0), 0), ["parseValidateKeys"] = Fmt.Round(Bytes(1), 0) };
        figures["rounds"] = rounds;
        figures["eventsPerRound"] = eventsPerRound;
        figures["eventPool"] = pool.Length;
        figures["averageEventBytes"] = Fmt.Round(avgEventBytes, 1);
        figures["eventsPerSecond"] = Fmt.Round(comparison.CandidateRate, 0);
        figures["rawEventsPerSecond"] = Fmt.Round(comparison.BaselineRate, 0);
        comparison.AddRatioFigures(figures, minRatio);
        figures["bytesAllocatedPerEvent"] = Fmt.Round(bytesPerEvent, 0);
        figures["rawBytesAllocatedPerEvent"] = Fmt.Round(rawBytesPerEvent, 0);
        figures["perRound"] = MeteringHotPath.PerRound(comparison);
        figures["checksum"] = checksum;
    }

    /// <summary>
    /// Runs every variant over the same events: a warm-up by time, then the rounds, each cut into slices of
    /// <see cref="SliceSize"/> events where every slice runs every variant in a rotating order, so another process's
    /// load (this is a shared 2-core machine) falls on all variants alike and the ratios stay steady even when absolute
    /// rates are not. Returns each variant's per-round samples; <paramref name="roundDone"/> gets each round's samples.
    /// </summary>
    private List<Sample>[] Interleave(string[] names, Action<int, int, int> variant, int poolSize, Action<int, Sample[]> roundDone)
    {
        // Warm-up, by time (tier-1/PGO recompilation runs on a background thread that a busy machine delays): caches fill,
        // and any rejected event fails here rather than mid-measurement.
        var warmUp = System.Diagnostics.Stopwatch.StartNew();
        for (int w = 0; w < 3 || warmUp.Elapsed < TimeSpan.FromSeconds(quick ? 1 : 3); w++)
        {
            for (int v = 0; v < names.Length; v++)
            {
                variant(v, 0, poolSize);
            }

            Thread.Sleep(20); // give the background JIT a core
        }

        var samples = names.Select(_ => new List<Sample>()).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            var elapsed = new TimeSpan[names.Length];
            var allocated = new long[names.Length];
            for (int slice = 0; slice * SliceSize < eventsPerRound; slice++)
            {
                int from = slice * SliceSize, count = Math.Min(SliceSize, eventsPerRound - from);
                for (int k = 0; k < names.Length; k++)
                {
                    int v = (k + slice + round) % names.Length;
                    var sample = SyncTimer.Run(count, () => variant(v, from, count));
                    elapsed[v] += sample.Elapsed;
                    allocated[v] += sample.AllocatedBytes;
                }
            }

            for (int v = 0; v < names.Length; v++)
            {
                samples[v].Add(new Sample(eventsPerRound, elapsed[v], allocated[v]));
            }

            roundDone(round, [.. samples.Select(s => s[^1])]);
        }

        return samples;
    }
}
