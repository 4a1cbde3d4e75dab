using Billing.Domain.Metering;
using Billing.Domain.Partners;
using Billing.Storage;

namespace Billing.Application.Usage;

/// <summary>
/// A payer's usage of one meter over <c>[from, to)</c>, summed by window and group from the facts (the source of truth;
/// nothing is pre-aggregated). A provider sees only the facts it reported, even for a tenant it served.
/// </summary>
public sealed class UsageQuery(FactStore facts)
{
    public async Task<IReadOnlyList<UsageRow>> RunAsync(
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
        var rollup = new UsageRollup(meter, window, groupBy);
        await foreach (var fact in facts.QueryAsync(payer, from, to, cancellationToken).ConfigureAwait(false))
        {
            if (caller.Role == PartnerRole.Provider && fact.Source != caller.Id)
            {
                continue; // providers see only what they reported
            }

            rollup.Add(fact);
        }

        return rollup.Rows();
    }
}
