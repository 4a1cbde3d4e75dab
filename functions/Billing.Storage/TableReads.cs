namespace Billing.Storage;

/// <summary>Point reads of rows whose keys may come from a caller (a route id, a query parameter, a webhook's ids), and key-only listings.</summary>
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

    /// <summary>
    /// The row with these keys as <paramref name="read"/> reads it, with its ETag for a conditional write; null when there is none.
    /// What <paramref name="read"/> throws (a row it cannot read) is passed on.
    /// </summary>
    public static async Task<(T Row, ETag ETag)?> FindAsync<T>(this TableClient table, string partitionKey, string rowKey, Func<TableEntity, T> read, CancellationToken cancellationToken)
    {
        var row = await table.FindAsync(partitionKey, rowKey, null, cancellationToken).ConfigureAwait(false);
        return row is not null ? (read(row), row.ETag) : null;
    }

    /// <summary>The ids (unescaped row keys) of the rows <paramref name="filter"/> selects, ordinal, without duplicates; nothing of a row but its key is read.</summary>
    public static async Task<IReadOnlyList<string>> IdsAsync(this TableClient table, string filter, CancellationToken cancellationToken)
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            ids.Add(RowValues.Id(row));
        }

        return [.. ids];
    }
}
