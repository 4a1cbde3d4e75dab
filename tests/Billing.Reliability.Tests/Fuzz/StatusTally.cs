namespace Billing.Reliability.Tests.Fuzz;

/// <summary>What a fuzz run was answered: a count per HTTP status, and the failures in order (a run stops once it is <see cref="Full"/>).</summary>
internal sealed class StatusTally
{
    private const int MaxFailures = 20;
    private readonly ConcurrentDictionary<int, int> statuses = new();
    private readonly ConcurrentQueue<string> failures = new();

    /// <summary>Enough failures to show; more cases would only repeat them.</summary>
    public bool Full => failures.Count >= MaxFailures;

    /// <summary>Counts <paramref name="status"/>; <paramref name="failure"/> (null when the answer was right) is kept for the assertion.</summary>
    public void Add(int status, string? failure)
    {
        statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        if (failure is not null)
        {
            failures.Enqueue(failure);
        }
    }

    public void AssertNoFailures() => Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(MaxFailures)));

    public override string ToString() => "statuses: " + string.Join(", ", statuses.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}×{kv.Value}"));
}
