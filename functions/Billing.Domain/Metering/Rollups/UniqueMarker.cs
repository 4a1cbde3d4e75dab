namespace Billing.Domain.Metering.Rollups;

/// <summary>
/// One distinct value of a UNIQUE_COUNT meter in one billing month (calendar month UTC) of one fact partition, per
/// source and dimension values (docs/design.md §6.1): the store keeps one marker row per marker, added in the same
/// transaction as the first fact of the partition that carries the value, and counts it once in the month bucket
/// (<see cref="Counter"/>). A payer's count is the number of distinct (group, value) across its shards and sources.
/// </summary>
public sealed record UniqueMarker(string Meter, DateTimeOffset Month, string Source, IReadOnlyList<string> Values, string Value)
{
    /// <summary>The markers a fact carries: one per UNIQUE_COUNT reading with a value, in the month of the fact's time.</summary>
    public static IEnumerable<UniqueMarker> Of(UsageFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        foreach (var reading in fact.Readings)
        {
            if (reading.Aggregation == Aggregation.UniqueCount && reading.Distinct is { } value)
            {
                yield return new UniqueMarker(reading.Meter, UsageRollup.WindowStart(fact.Time, UsageWindow.Month), fact.Source,
                    [.. reading.Dimensions.Select(d => d.Value)], value);
            }
        }
    }

    /// <summary>The month-bucket group that counts this partition's markers of the same meter, source and dimension values.</summary>
    public RollupKey Counter => new(Meter, Source, Values);

    public bool Equals(UniqueMarker? other) =>
        other is not null && Meter == other.Meter && Month == other.Month && Counter.Equals(other.Counter) && Value == other.Value;

    public override int GetHashCode() => HashCode.Combine(Counter, Month, Value);
}
