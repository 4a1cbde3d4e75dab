namespace Billing.Application.Usage;

/// <summary>
/// A payer's usage of one meter over <c>[from, to)</c>, summed by window and group from the rollups (docs/design.md §6;
/// facts only for unaligned edges and buckets that cannot answer). A provider sees only the facts it reported, even for
/// a tenant it served: the rollups keep the source of every sum.
/// </summary>
public sealed class UsageQuery(UsageReader reader)
{
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
        string? source = caller.Role == PartnerRole.Provider ? caller.Id : null; // providers see only what they reported
        return reader.ReadAsync(payer, meter, window, from, to, groupBy, source, cancellationToken);
    }
}
