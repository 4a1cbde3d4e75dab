namespace Billing.Storage;

/// <summary>
/// How every listing reads its rows: each with the store's strict reader, and a row that reader refuses (an
/// <see cref="InvalidDataException"/>: a value this platform never writes there) apart, so one planted row fails neither
/// the list nor whoever reads it.
/// </summary>
internal static class StoredRows
{
    /// <param name="rows">The query's rows.</param>
    /// <param name="read">The store's strict reader of one row.</param>
    /// <param name="unreadable">What the report calls a refused row; by default its key (<see cref="ByKey"/>).</param>
    public static async Task<StoredList<T>> ReadAsync<T>(
        IAsyncEnumerable<TableEntity> rows, Func<TableEntity, T> read, Func<TableEntity, InvalidDataException, UnreadableRow>? unreadable = null)
    {
        var items = new List<T>();
        var refused = new List<UnreadableRow>();
        await foreach (var row in rows.ConfigureAwait(false))
        {
            try
            {
                items.Add(read(row));
            }
            catch (InvalidDataException ex)
            {
                refused.Add((unreadable ?? ByKey)(row, ex));
            }
        }

        return new(items, refused);
    }

    /// <summary>
    /// Every row, all or nothing, for a caller that decides on the whole set (what is placed, held or burned): a row the reader
    /// refuses throws <see cref="InvalidDataException"/> with its reason, once all were read.
    /// </summary>
    public static async Task<IReadOnlyList<T>> ReadAllAsync<T>(IAsyncEnumerable<TableEntity> rows, Func<TableEntity, T> read)
    {
        var list = await ReadAsync(rows, read).ConfigureAwait(false);
        return list.Unreadable.Count == 0 ? list.Items : throw new InvalidDataException(list.Unreadable[0].Reason);
    }

    /// <summary>A refused row named by its key, unescaped (or as stored when it is no escaped key).</summary>
    public static UnreadableRow ByKey(TableEntity row, InvalidDataException reason) => new(RowValues.Id(row), reason.Message);

    /// <summary>A refused row named by its partition (an invoice's one row), which is also its invoice.</summary>
    public static UnreadableRow ByInvoicePartition(TableEntity row, InvalidDataException reason) =>
        new(RowValues.PartitionId(row), reason.Message) { InvoiceId = RowValues.PartitionId(row) };
}
