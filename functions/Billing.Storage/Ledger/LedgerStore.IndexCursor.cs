namespace Billing.Storage.Ledger;

/// <summary>
/// The index cursor (<see cref="LedgerIndexCursor"/>) and the backfill's writes: a book written before appends indexed
/// credit-note and refund entries (2026-12-06) has entries without their subject index rows, which the anchor run writes
/// from the entries it checked against the hash chain. A book created since has a complete cursor from its first append.
/// </summary>
public sealed partial class LedgerStore
{
    /// <summary>The row key of a book's index cursor (outside the ranges of entries, id rows and index rows).</summary>
    public const string IndexCursorRowKey = "indexcursor";

    /// <summary>
    /// The book's index cursor with its ETag; null for none (a book written before the cursor, or one with no entry yet).
    /// A row that is not what the ledger writes there throws <see cref="InvalidDataException"/> naming it.
    /// </summary>
    public async Task<(LedgerIndexCursor? Cursor, ETag? ETag)> IndexCursorAsync(string book, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(book), IndexCursorRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue)
        {
            return (null, null);
        }

        var cursor = UnreadableRowException.Refusing(() =>
        {
            var values = new StrictRow(table.Name, row.Value!);
            long through = values.Int64("IndexedThrough", required: true)!.Value;
            string hash = values.Text("Hash", required: true)!;
            bool complete = values.Boolean("Complete", required: true)!.Value;
            return through >= 0 ? new LedgerIndexCursor(through, hash, complete) : throw values.Unreadable("IndexedThrough", string.Create(CultureInfo.InvariantCulture, $"{through} is not a sequence"));
        });
        return (cursor, row.Value!.ETag);
    }

    /// <summary>
    /// Whether every entry of <paramref name="book"/> has its subject index rows, as far as the ledger knows: its cursor says
    /// so, or it has neither head nor first entry (its first append writes a complete cursor). A book with entries and no
    /// cursor was written before appends indexed: not complete until the backfill says so. Throws
    /// <see cref="InvalidDataException"/> when the cursor row cannot be read.
    /// </summary>
    public async Task<bool> IsIndexCompleteAsync(string book, CancellationToken cancellationToken)
    {
        var (cursor, _) = await IndexCursorAsync(book, cancellationToken).ConfigureAwait(false);
        if (cursor is not null)
        {
            return cursor.Complete;
        }

        string pk = PartitionKey(book);
        return !(await table.GetEntityIfExistsAsync<TableEntity>(pk, HeadRowKey, select: ["LastSequence"], cancellationToken).ConfigureAwait(false)).HasValue
            && !(await table.GetEntityIfExistsAsync<TableEntity>(pk, SequenceRowKey(1), select: ["Sequence"], cancellationToken).ConfigureAwait(false)).HasValue;
    }

    /// <summary>
    /// Writes the cursor: added when <paramref name="etag"/> is null (there was none), else replaced under it; its new ETag.
    /// Null when another run wrote it first (that run's cursor stands: a cursor never moves back).
    /// </summary>
    public async Task<ETag?> SaveIndexCursorAsync(string book, LedgerIndexCursor cursor, ETag? etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        var entity = CursorEntity(PartitionKey(book), cursor);
        try
        {
            var response = await (etag is { } guard
                ? table.UpdateEntityAsync(entity, guard, TableUpdateMode.Replace, cancellationToken)
                : table.AddEntityAsync(entity, cancellationToken)).ConfigureAwait(false);
            return response.Headers.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes <paramref name="entry"/>'s row in the index of <paramref name="subject"/> if there is none (insert, never
    /// replace: concurrent backfills write the same row once). A row already there is compared with what would be written:
    /// one naming another entry, sequence or hash is left as it is (<see cref="IndexRowWrite.OtherContent"/>, a finding for
    /// verify, which reports it as <c>IndexRowMismatch</c>). The caller checked the entry against the chain.
    /// </summary>
    public async Task<IndexRowWrite> AddIndexRowAsync(string book, string subject, LedgerEntry entry, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentNullException.ThrowIfNull(entry);
        string pk = PartitionKey(book);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await table.AddEntityAsync(IndexEntity(pk, subject, entry), cancellationToken).ConfigureAwait(false);
                return IndexRowWrite.Written;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // There already: compared below.
            }

            var row = await table.GetEntityIfExistsAsync<TableEntity>(pk, IndexRowKey(subject, entry.EntryId), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (row.HasValue)
            {
                var found = row.Value!;
                return Holds(found, "EntryId", entry.EntryId) && Holds(found, "Sequence", entry.Sequence)
                    && Holds(found, "Hash", entry.Hash) && (!found.ContainsKey("Subject") || Holds(found, "Subject", subject))
                    ? IndexRowWrite.AlreadyThere
                    : IndexRowWrite.OtherContent;
            }

            if (attempt == 3)
            {
                // Deleted each time between the insert and the read: someone is at the table; leave it for verify.
                return IndexRowWrite.OtherContent;
            }
        }
    }

    private static bool Holds<T>(TableEntity row, string name, T expected) =>
        row.TryGetValue(name, out object? value) && value is T found && EqualityComparer<T>.Default.Equals(found, expected);

    /// <summary>
    /// The index cursor a book's first append writes with it: appends index their entries, so the book needs no backfill.
    /// Upserted: an empty partition may still hold the cursor of entries removed outside the platform.
    /// </summary>
    private static TableTransactionAction Created(string pk) => new(TableTransactionActionType.UpsertReplace, CursorEntity(pk, LedgerIndexCursor.FromCreation));

    private static TableEntity CursorEntity(string pk, LedgerIndexCursor cursor) => new(pk, IndexCursorRowKey)
    {
        ["IndexedThrough"] = cursor.IndexedThrough,
        ["Hash"] = cursor.Hash,
        ["Complete"] = cursor.Complete,
    };
}
