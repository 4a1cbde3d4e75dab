using System.Globalization;

namespace Billing.Domain.Metering;

/// <summary>
/// The most rows (windows × groups) one usage answer may have. The one rollup that builds the answer (its shards add to
/// it in parallel) counts its rows here as it makes them, so a query past the limit stops as soon as it gets there
/// (<see cref="UsageQueryTooLargeException"/> naming <c>to</c>), never after reading everything; the budget keeps no
/// rows of its own.
/// </summary>
public sealed class UsageRowBudget(int maxRows)
{
    public int MaxRows { get; } = maxRows > 0 ? maxRows : throw new ArgumentOutOfRangeException(nameof(maxRows), maxRows, "must be positive");

    /// <summary>Accepts an answer of <paramref name="rows"/> rows (the count with the row about to be made); throws past <see cref="MaxRows"/>.</summary>
    public void Claim(int rows)
    {
        if (rows > MaxRows)
        {
            throw new UsageQueryTooLargeException("to", string.Create(CultureInfo.InvariantCulture,
                $"the answer would have more than {MaxRows:N0} rows (windows × groups), the most one query returns: narrow from/to, ask a coarser window, or group by fewer dimensions"));
        }
    }
}
