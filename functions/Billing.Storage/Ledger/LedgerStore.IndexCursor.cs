namespace Billing.Storage.Ledger;

/// <summary>
/// The index cursor (<see cref="LedgerIndexCursor"/>) and the backfill's writes: a book written before appends indexed
/// credit-note and refund entries (2026-12-06) has entries without their subject index rows, which the anchor run writes
/// from the entries it checked against the hash chain. The cursor is only the backfill's working position: whether the
/// index is whole is the chain's word (<see cref="IsIndexCompleteAsync"/>).
/// </summary>
public sealed partial class LedgerStore
{
    /// <summary>The row key of a book's index cursor (outside the ranges of entries, id rows and index rows).</summary>
    public const string IndexCursorRowKey = "indexcursor";

    /// <summary>
    /// The book's index cursor with its ETag; null for none (no backfill started, or a book created with the index). Its
    /// <see cref="LedgerIndexCursor.SealState"/> says whether this deployment wrote it (the backfill goes by a sealed one only).
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
            string? seal = values.Text(SealColumn);
            return through >= 0 ? new LedgerIndexCursor(through, hash, complete) { SealState = seals.CheckCursor(seal, book, through, hash, complete) } : throw values.Unreadable("IndexedThrough", string.Create(CultureInfo.InvariantCulture, $"{through} is not a sequence"));
        });
        return (cursor, row.Value!.ETag);
    }

    /// <summary>
    /// Writes the cursor: added when <paramref name="etag"/> is null (there was none), else replaced under it; its new ETag.
    /// Null when another run wrote it first (that run's cursor stands: a cursor never moves back).
    /// </summary>
    public async Task<ETag?> SaveIndexCursorAsync(string book, LedgerIndexCursor cursor, ETag? etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        var entity = CursorEntity(book, cursor);
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

    /// <summary>The cursor's row, sealed: a cursor planted by table access (a high <c>IndexedThrough</c>) has no valid seal and is not gone by.</summary>
    private TableEntity CursorEntity(string book, LedgerIndexCursor cursor) => new(PartitionKey(book), IndexCursorRowKey)
    {
        ["IndexedThrough"] = cursor.IndexedThrough,
        ["Hash"] = cursor.Hash,
        ["Complete"] = cursor.Complete,
        [SealColumn] = seals.SealCursor(book, cursor.IndexedThrough, cursor.Hash, cursor.Complete),
    };
}
