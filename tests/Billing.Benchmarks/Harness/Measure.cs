namespace Billing.Benchmarks.Harness;

/// <summary>One timed pass of one side of a comparison: how many units (events, facts, burns) in how long, allocating how much.</summary>
public readonly record struct Sample(long Units, TimeSpan Elapsed, long AllocatedBytes = 0)
{
    public double PerSecond => Units / Math.Max(Elapsed.TotalSeconds, 1e-9);

    public double BytesPerUnit => Units == 0 ? 0 : (double)AllocatedBytes / Units;
}

/// <summary>
/// A side-by-side comparison: the candidate (the product path) and the baseline (the raw floor), run in interleaved
/// rounds (ABBA order, so neither side always runs first or on a warmer machine). The ratio is the median of the
/// per-round ratios: both sides of a round share the machine's momentary load, which is what makes ratios on a busy
/// 2-core box meaningful when absolute times are not.
/// </summary>
public sealed class Comparison
{
    public List<Sample> Candidate { get; } = [];

    public List<Sample> Baseline { get; } = [];

    public double CandidateRate => Median(Candidate.Select(s => s.PerSecond));

    public double BaselineRate => Median(Baseline.Select(s => s.PerSecond));

    /// <summary>Median of candidate rate / baseline rate, round by round.</summary>
    public double Ratio => Median(Candidate.Zip(Baseline, (c, b) => c.PerSecond / b.PerSecond));

    public double MinRatio => Candidate.Zip(Baseline, (c, b) => c.PerSecond / b.PerSecond).DefaultIfEmpty(0).Min();

    public double MaxRatio => Candidate.Zip(Baseline, (c, b) => c.PerSecond / b.PerSecond).DefaultIfEmpty(0).Max();

    public int Rounds => Math.Min(Candidate.Count, Baseline.Count);

    /// <summary>
    /// The report row of the two rates (<paramref name="unit"/> per second) and their median ratio, which passes at
    /// <paramref name="minRatio"/> or above; without one the row only reports.
    /// </summary>
    public Row RateRow(string benchmark, string unit, double? minRatio, string notes) => new(
        benchmark,
        $"{Fmt.Rate(CandidateRate)} {unit}/s",
        $"{Fmt.Rate(BaselineRate)} {unit}/s",
        Ratio,
        minRatio is { } target ? $"≥ {target:0.00}" : "report",
        minRatio is { } min ? Ratio >= min : null,
        notes);

    /// <summary>The median ratio and its range over the rounds (and the target with its verdict), as results.json records them.</summary>
    public void AddRatioFigures(JsonObject figures, double? minRatio = null)
    {
        figures["ratio"] = Fmt.Round(Ratio);
        figures["ratioMin"] = Fmt.Round(MinRatio);
        figures["ratioMax"] = Fmt.Round(MaxRatio);
        if (minRatio is { } target)
        {
            figures["target"] = target;
            figures["pass"] = Ratio >= target;
        }
    }

    public static async Task<Comparison> RunAsync(
        int rounds,
        Func<int, Task<Sample>> candidate,
        Func<int, Task<Sample>> baseline,
        Action<string> log,
        string name)
    {
        var result = new Comparison();
        for (int round = 0; round < rounds; round++)
        {
            // ABBA: rounds 0, 3, 4, 7… run the candidate first; rounds 1, 2, 5, 6… the baseline first.
            bool candidateFirst = (round % 4) is 0 or 3;
            Sample c, b;
            if (candidateFirst)
            {
                c = await candidate(round);
                b = await baseline(round);
            }
            else
            {
                b = await baseline(round);
                c = await candidate(round);
            }

            result.Candidate.Add(c);
            result.Baseline.Add(b);
            log($"{name}: round {round + 1}/{rounds}: {Fmt.Rate(c.PerSecond)}/s vs {Fmt.Rate(b.PerSecond)}/s (ratio {c.PerSecond / b.PerSecond:0.000})");
        }

        return result;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return 0;
        }

        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

/// <summary>Synchronous single-thread timing with allocation counting (GC.GetAllocatedBytesForCurrentThread).</summary>
public static class SyncTimer
{
    public static Sample Run(long units, Action body)
    {
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        body();
        var elapsed = Stopwatch.GetElapsedTime(start);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return new Sample(units, elapsed, allocated);
    }
}

/// <summary>Samples the process working set on a background thread; the maximum is the phase's peak.</summary>
public sealed class WorkingSetSampler : IDisposable
{
    private readonly Thread thread;
    private readonly Process process = Process.GetCurrentProcess();
    private volatile bool stop;
    private bool disposed;
    private long peak;

    public WorkingSetSampler(TimeSpan interval)
    {
        peak = Current();
        thread = new Thread(() =>
        {
            while (!stop)
            {
                long ws = Current();
                if (ws > Interlocked.Read(ref peak))
                {
                    Interlocked.Exchange(ref peak, ws);
                }

                Thread.Sleep(interval);
            }
        })
        { IsBackground = true, Name = "working-set sampler" };
        thread.Start();
    }

    public long PeakBytes => Interlocked.Read(ref peak);

    public long Current()
    {
        process.Refresh();
        return process.WorkingSet64;
    }

    /// <summary>Forces a full blocking collection so a phase starts from the live set, not from its predecessor's garbage.</summary>
    public static void Settle()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        stop = true;
        thread.Join();
        long ws = Current();
        if (ws > peak)
        {
            peak = ws;
        }

        process.Dispose();
    }
}
