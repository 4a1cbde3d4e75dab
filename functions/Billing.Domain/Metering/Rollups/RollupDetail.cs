namespace Billing.Domain.Metering.Rollups;

/// <summary>
/// How much a rollup bucket knows (docs/design.md §6). Only ever moves down the list while metering writes; a rebuild
/// starts again from <see cref="Fine"/>.
/// </summary>
public enum RollupDetail
{
    /// <summary>Every dimension of every meter, and the source: answers any grouping.</summary>
    Fine,

    /// <summary>The high-cardinality dimensions (<see cref="RollupBucket.HighCardinality"/>) are summed away: answers any grouping without them.</summary>
    Coarse,

    /// <summary>Too many groups even without them: the bucket holds no sums, and readers use the facts of its range.</summary>
    Overflow,
}
