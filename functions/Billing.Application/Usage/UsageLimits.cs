namespace Billing.Application.Usage;

/// <summary>
/// What one usage query may cost (<see cref="UsageQuery"/>; docs/design.md §6, "Query limits").
/// <para><see cref="MaxFactSpan"/>: the most of the range read from facts in any one of the payer's shards. Rollups
/// answer SUM and COUNT meters (and UNIQUE_COUNT by whole months) over the API's whole range (400 days) at a cost that
/// grows with windows, not events; what they cannot answer (MAX, LATEST, UNIQUE_COUNT by hour or day, partial months of
/// UNIQUE_COUNT by month, buckets too many-grouped to hold a hotspot or lease grouping) reads every fact of the payer in
/// that span, so 31 days: one billing month of facts, what a close reads.</para>
/// <para><see cref="MaxRows"/>: the most rows (windows × groups) of an answer: 1,000,000 holds a month of hours by
/// 1,344 groups, or of days by 32,000 hotspots, or 13 months by 76,000; beyond it the answer (about 100 bytes a row in
/// JSON) is past 100 MB, a download no one reads; the reader holds one copy of it while it is built (the shards add to
/// one rollup, which counts its rows against the cap).</para>
/// </summary>
public sealed record UsageLimits(TimeSpan MaxFactSpan, int MaxRows)
{
    public static UsageLimits Default { get; } = new(TimeSpan.FromDays(31), 1_000_000);
}
