namespace Billing.Storage.Ledger;

/// <summary>
/// An id index row of a book as stored (<see cref="LedgerStore.IdRowKey"/>): the entry id it stands for and the sequence
/// and hash it points at, or why it cannot be read. Appends trust this index to book each entry id once, so verify
/// checks it against the entries.
/// </summary>
public sealed record LedgerIdRow(string RowKey, string? EntryId, long Sequence, string? Hash, UnreadableLedgerRow? Unreadable)
{
    /// <summary>Every id row of <paramref name="book"/>, in key order.</summary>
    public static async IAsyncEnumerable<LedgerIdRow> ReadAllAsync(LedgerStore ledger, string book, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var table = ledger.Table;
        string prefix = LedgerStore.IdRowKey(string.Empty);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {LedgerStore.PartitionKey(book)} and RowKey ge {prefix} and RowKey lt {TableKey.After(prefix)}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var values = new StrictRow(table.Name, row);
            LedgerIdRow read;
            try
            {
                read = new(row.RowKey, values.Text("EntryId", required: true), values.Int64("Sequence", required: true)!.Value, values.Text("Hash"), null);
            }
            catch (UnreadableRowException ex)
            {
                read = new(row.RowKey, values.TextOrNull("EntryId"), 0, null, ex.Row);
            }

            yield return read;
        }
    }
}
