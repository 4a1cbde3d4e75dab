namespace Billing.Benchmarks.Harness;

/// <summary>
/// CPU time of this process and of the storage emulator, summed over the steps a benchmark measures: work per event
/// that the machine's load blurs less than a rate does.
/// </summary>
public sealed class CpuTime(Func<TimeSpan> storage)
{
    public TimeSpan Process { get; private set; }

    public TimeSpan Storage { get; private set; }

    /// <summary>Both clocks now: pass it to <see cref="AddSince"/> when the step ends.</summary>
    public (TimeSpan Process, TimeSpan Storage) Now() => (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime, storage());

    public void AddSince((TimeSpan Process, TimeSpan Storage) start)
    {
        var now = Now();
        Process += now.Process - start.Process;
        Storage += now.Storage - start.Storage;
    }

    public static double MsPerThousand(TimeSpan time, long events) => events == 0 ? 0 : time.TotalMilliseconds * 1000.0 / events;
}
