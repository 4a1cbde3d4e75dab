namespace Billing.Application.Usage;

/// <summary>
/// A payer's usage of one meter over <c>[from, to)</c>, summed by window and group from the rollups (docs/design.md §6;
/// facts only for unaligned edges and buckets that cannot answer). A provider sees only the facts it reported, even for
/// a tenant it served: the rollups keep the source of every sum. A query past its <see cref="UsageLimits"/> throws
/// <see cref="UsageQueryTooLargeException"/>: before any read when the plan alone reads too many facts, else as soon as
/// it gets there.
/// </summary>
public sealed class UsageQuery(UsageReader reader, UsageLimits? limits = null)
{
    public UsageLimits Limits { get; } = limits ?? UsageLimits.Default;

    public Task<IReadOnlyList<UsageRow>> RunAsync(
        Partner caller,
        string payer,
        MeterDefinition meter,
        UsageWindow window,
        DateTimeOffset from,
        DateTimeOffset to,
        IReadOnlyList<string> groupBy,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(meter);
        var span = UsageReader.PlannedFactSpan(meter, window, from, to, groupBy);
        if (span > Limits.MaxFactSpan)
        {
            throw new UsageQueryTooLargeException("to", UsageReader.FactSpanReason(meter, window, span, Limits.MaxFactSpan));
        }

        string? source = caller.Role == PartnerRole.Provider ? caller.Id : null; // providers see only what they reported
        return reader.ReadAsync(payer, meter, window, from, to, groupBy, source, Limits, cancellationToken);
    }
}
