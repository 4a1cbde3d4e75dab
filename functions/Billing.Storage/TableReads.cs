namespace Billing.Storage;

/// <summary>Point reads of rows whose keys may come from a caller (a route id, a query parameter, a webhook's ids).</summary>
internal static class TableReads
{
    /// <summary>
    /// The row with these keys, or null when there is none; a key no write can have made (<see cref="TableKey.CanExist"/>)
    /// is none without asking storage, which would refuse the request rather than say so.
    /// </summary>
    public static async Task<TableEntity?> FindAsync(this TableClient table, string partitionKey, string rowKey, IEnumerable<string>? select, CancellationToken cancellationToken)
    {
        if (!TableKey.CanExist(partitionKey) || !TableKey.CanExist(rowKey))
        {
            return null;
        }

        var row = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, select, cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value : null;
    }
}
