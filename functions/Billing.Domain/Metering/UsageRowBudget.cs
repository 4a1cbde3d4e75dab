using System.Collections.Concurrent;
using System.Globalization;

namespace Billing.Domain.Metering;

/// <summary>
/// The most rows (windows × groups) one usage answer may have, shared by the rollups that build it (one per shard, in
/// parallel): each distinct row is counted once, when the first of them makes it, so a query past the limit stops as soon
/// as it gets there (<see cref="UsageQueryTooLargeException"/> naming <c>to</c>), never after reading everything.
/// </summary>
public sealed class UsageRowBudget(int maxRows)
{
    private readonly ConcurrentDictionary<(DateTimeOffset, string), byte> rows = new();
    private int count;

    public int MaxRows { get; } = maxRows > 0 ? maxRows : throw new ArgumentOutOfRangeException(nameof(maxRows), maxRows, "must be positive");

    /// <summary>Counts the row of <paramref name="window"/> and <paramref name="group"/> unless counted; throws past <see cref="MaxRows"/>.</summary>
    public void Claim(DateTimeOffset window, string group)
    {
        if (rows.TryAdd((window, group), 0) && Interlocked.Increment(ref count) > MaxRows)
        {
            throw new UsageQueryTooLargeException("to", string.Create(CultureInfo.InvariantCulture,
                $"the answer would have more than {MaxRows:N0} rows (windows × groups), the most one query returns: narrow from/to, ask a coarser window, or group by fewer dimensions"));
        }
    }
}
