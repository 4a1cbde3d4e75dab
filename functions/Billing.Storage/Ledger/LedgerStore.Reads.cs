namespace Billing.Storage.Ledger;

/// <summary>Reading the ledger: entries in order, one entry by id, the head, balances.</summary>
public sealed partial class LedgerStore
{
    /// <summary>Entries of <paramref name="book"/> with sequence ≥ <paramref name="fromSequence"/>, in sequence order, page by page.</summary>
    public async IAsyncEnumerable<LedgerEntry> ReadAsync(string book, long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSequence, 1L);
        string pk = PartitionKey(book);
        string from = SequenceRowKey(fromSequence);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {from} and RowKey le {LastSequenceRowKey}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            Interlocked.Increment(ref entryRowsRead);
            yield return FromEntity(table.Name, row);
        }
    }

    /// <summary>
    /// Like <see cref="ReadAsync"/>, with the time storage wrote each row (its service-set timestamp), and going on past a
    /// row that cannot be read: that one comes as <see cref="StoredLedgerRow.Unreadable"/>, for verify and the listing to report.
    /// </summary>
    public IAsyncEnumerable<StoredLedgerRow> ReadRecordedAsync(string book, long fromSequence, CancellationToken cancellationToken) =>
        ReadRecordedAsync(book, fromSequence, LastSequenceRowKey, cancellationToken);

    /// <summary>Like <see cref="ReadRecordedAsync(string, long, CancellationToken)"/>, up to <paramref name="throughSequence"/> only.</summary>
    public IAsyncEnumerable<StoredLedgerRow> ReadRecordedAsync(string book, long fromSequence, long throughSequence, CancellationToken cancellationToken) =>
        ReadRecordedAsync(book, fromSequence, SequenceRowKey(throughSequence), cancellationToken);

    private async IAsyncEnumerable<StoredLedgerRow> ReadRecordedAsync(string book, long fromSequence, string throughRowKey, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSequence, 1L);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey(book)} and RowKey ge {SequenceRowKey(fromSequence)} and RowKey le {throughRowKey}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            Interlocked.Increment(ref entryRowsRead);
            yield return ReadStored(table.Name, row);
        }
    }

    private StoredLedgerRow ReadStored(string tableName, TableEntity row)
    {
        var recordedAt = row.Timestamp ?? DateTimeOffset.MinValue;
        try
        {
            return new StoredLedgerRow(ParseEntry(tableName, row), null, recordedAt);
        }
        catch (UnreadableRowException ex)
        {
            var values = new StrictRow(tableName, row);
            long sequence = row.TryGetValue("Sequence", out object? stored) && stored is long s ? s
                : long.TryParse(row.RowKey, NumberStyles.None, CultureInfo.InvariantCulture, out long fromKey) ? fromKey : 0;
            return new StoredLedgerRow(null, new UnreadableLedgerEntry(sequence, values.TextOrNull("EntryId"), values.TextOrNull("Hash"), ex.Row), recordedAt);
        }
    }

    /// <summary>All entries of a book, in sequence order.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> ReadAllAsync(string book, CancellationToken cancellationToken)
    {
        var list = new List<LedgerEntry>();
        await foreach (var entry in ReadAsync(book, 1, cancellationToken).ConfigureAwait(false))
        {
            list.Add(entry);
        }

        return list;
    }

    /// <summary>
    /// The entry booked under <paramref name="entryId"/> in <paramref name="book"/>, or null. An id row that cannot be read,
    /// points at another entry, at a missing one or outside the chain (a sequence below 1 or past the head, or a row holding
    /// another sequence) throws <see cref="InvalidDataException"/> naming it: only an entry of the chain counts as booked.
    /// </summary>
    public async Task<LedgerEntry?> GetAsync(string book, string entryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entryId);
        string pk = PartitionKey(book);
        // The keys selected too, so that a refusal names the index row.
        var idRow = await table.FindAsync(pk, IdRowKey(entryId), ["PartitionKey", "RowKey", "Sequence"], cancellationToken).ConfigureAwait(false);
        if (idRow is null)
        {
            return null;
        }

        var index = new StrictRow(table.Name, idRow);
        long sequence = UnreadableRowException.Refusing(() => index.Int64("Sequence", required: true)!.Value);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(pk, SequenceRowKey(sequence), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue)
        {
            // The index and its entry are written in one transaction: the entry was deleted, so the id is not free to book again.
            throw index.Unreadable("Sequence", string.Create(CultureInfo.InvariantCulture, $"points at sequence {sequence}, whose entry row is missing (deleted outside this platform; run ledger verify)")).Refusal();
        }

        var entry = FromEntity(table.Name, row.Value!);
        // An index row pointing at another entry was changed outside the platform: never answer with that entry.
        if (entry.EntryId != entryId)
        {
            throw index.Unreadable("Sequence", string.Create(CultureInfo.InvariantCulture, $"points at sequence {sequence}, which books entry '{entry.EntryId}'")).Refusal();
        }

        // Invariant: an id counts as booked only by an entry of the chain. The id row, its entry and the head are written in one
        // transaction and heads never move back, so the head read after the id row covers a true booking; an entry at row 0
        // (never scanned), past the head or holding another sequence than its row was planted beside the book, and an append
        // taking it as already booked would keep the real booking out of the chain for good.
        long head = entry.Sequence == sequence && sequence >= 1 ? (await HeadAsync(book, cancellationToken).ConfigureAwait(false)).LastSequence : 0;
        return sequence >= 1 && sequence <= head
            ? entry
            : throw index.Unreadable("Sequence", string.Create(CultureInfo.InvariantCulture,
                $"points at sequence {sequence}, {(entry.Sequence != sequence ? $"whose row claims sequence {entry.Sequence}" : sequence < 1 ? "below the first" : $"past the head (sequence {head})")}: outside the book's chain (written outside this platform; run ledger verify)")).Refusal();
    }

    /// <summary>The entry booked under <paramref name="entryId"/> in the main book, or null.</summary>
    public Task<LedgerEntry?> GetAsync(string entryId, CancellationToken cancellationToken) =>
        GetAsync(LedgerEntries.MainBook, entryId, cancellationToken);

    /// <summary>The book's head; an empty book gives sequence 0 and the genesis hash.</summary>
    public async Task<LedgerHead> HeadAsync(string book, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(book), HeadRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? ToHead(table.Name, row.Value!) : new LedgerHead(0, LedgerEntry.GenesisHash);
    }

    /// <summary>Balances per (account, asset) over the whole book, summed while the entries stream past.</summary>
    public Task<Balances> BalancesAsync(string book, CancellationToken cancellationToken) =>
        Balances.ComputeAsync(ReadAsync(book, 1, cancellationToken), cancellationToken);
}
