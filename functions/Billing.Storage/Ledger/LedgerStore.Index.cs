namespace Billing.Storage.Ledger;

/// <summary>Reading the subject index (<see cref="LedgerIndex"/>): one range of row keys per subject, each row checked against the chain.</summary>
public sealed partial class LedgerStore
{
    /// <summary>
    /// The entries of <paramref name="book"/> indexed under <paramref name="subject"/>, in sequence order, each one of the
    /// chain (<see cref="GetAsync(string, string, CancellationToken)"/>: its id row, its sequence at or below the head) with a
    /// valid hash and booked under that subject. An index row that cannot be read, or names an entry that is not so (deleted,
    /// rewritten, planted), throws <see cref="InvalidDataException"/> naming it: a reader deciding on money that went back must
    /// not go on as if the entry were not there. A removed index row is not seen here; <c>ledger verify</c> reports it.
    /// </summary>
    public async Task<IReadOnlyList<LedgerEntry>> IndexedAsync(string book, string subject, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        string pk = PartitionKey(book);
        string prefix = IndexRowKeyPrefix(subject);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {prefix} and RowKey lt {TableKey.After(prefix)}");
        var entries = new List<LedgerEntry>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", "EntryId", "Sequence"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var index = new StrictRow(table.Name, row);
            var (entryId, sequence) = UnreadableRowException.Refusing(() => (index.Text("EntryId", required: true)!, index.Int64("Sequence", required: true)!.Value));
            if (row.RowKey != IndexRowKey(subject, entryId))
            {
                throw index.Unreadable("EntryId", $"holds entry id '{entryId}', which is not the id of its key (written outside this platform; run ledger verify)").Refusal();
            }

            var entry = await GetAsync(book, entryId, cancellationToken).ConfigureAwait(false)
                ?? throw index.Unreadable("EntryId", $"names entry '{entryId}', which the book's id index does not hold (deleted outside this platform; run ledger verify)").Refusal();
            if (entry.Sequence != sequence || !entry.HashIsValid || LedgerIndex.SubjectOf(entry.Kind, entry.Metadata) != subject)
            {
                throw index.Unreadable("Sequence", string.Create(CultureInfo.InvariantCulture,
                    $"points at sequence {sequence}, but entry '{entryId}' is at sequence {entry.Sequence}{(entry.HashIsValid ? "" : " with a hash that does not match its content")}, of subject '{LedgerIndex.SubjectOf(entry.Kind, entry.Metadata)}' (changed outside this platform; run ledger verify)")).Refusal();
            }

            entries.Add(entry);
        }

        return [.. entries.OrderBy(e => e.Sequence)];
    }

    /// <summary>Every subject index row of <paramref name="book"/> (key, entry id and sequence as stored; null where not readable), for verify.</summary>
    public async Task<IReadOnlyList<(string RowKey, string? EntryId, long? Sequence)>> IndexRowsAsync(string book, CancellationToken cancellationToken)
    {
        string prefix = TableKey.Join(IndexPrefix, "");
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey(book)} and RowKey ge {prefix} and RowKey lt {TableKey.After(prefix)}");
        var rows = new List<(string, string?, long?)>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey", "EntryId", "Sequence"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add((row.RowKey, row.TryGetValue("EntryId", out object? id) ? id as string : null, row.TryGetValue("Sequence", out object? seq) && seq is long s ? s : null));
        }

        return rows;
    }
}
