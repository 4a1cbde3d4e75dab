namespace Billing.Storage.Ledger;

/// <summary>
/// Seals (<see cref="LedgerSealKeys"/>): every entry the store appends, by any path (an append, a batch, the change-over
/// entries it adds itself), is written with its seal in column <see cref="SealColumn"/>, in the same transaction as the
/// entry; every entry read carries what its seal says (<see cref="LedgerEntry.SealState"/>). The first sealed append of a
/// book whose metadata has room carries <see cref="SealMarker"/>, and the head records its sequence (<see cref="SealedSinceColumn"/>)
/// so that later appends do not mark again (a head that lost the column makes the next append mark again: the chain's first
/// marker is the one verify goes by).
/// </summary>
public sealed partial class LedgerStore
{
    /// <summary>The column of an entry row (and of the index cursor) holding its seal.</summary>
    public const string SealColumn = "Seal";

    /// <summary>The head's column naming the sequence of the book's first sealed entry that carries <see cref="SealMarker"/>.</summary>
    private const string SealedSinceColumn = "SealedSince";

    /// <summary>
    /// <paramref name="entry"/> with this deployment's seal (<see cref="LedgerSealKeys.SealEntry"/>), for an append: every
    /// entry the store writes carries one, in the same transaction as the entry.
    /// </summary>
    private LedgerEntry SealOf(LedgerEntry entry) => entry.WithSeal(seals.SealEntry(entry.Book, entry.Sequence, entry.Hash), EntrySealState.Sealed);

    /// <summary>
    /// The row of a sealed entry (<see cref="SealOf"/>): <see cref="ToEntity"/> and its seal in column <see cref="SealColumn"/>,
    /// beside the hashed fields (the hash, and instances that do not know the column, are unchanged).
    /// </summary>
    private static TableEntity SealedEntity(string pk, LedgerEntry entry, string postings, string metadata)
    {
        var row = ToEntity(pk, entry, postings, metadata);
        row[SealColumn] = entry.StoredSeal ?? throw new InvalidOperationException("An entry is written sealed.");
        return row;
    }
    /// <summary><paramref name="draft"/> marked as the book's first sealed entry when the head records none (<paramref name="sealedSince"/> null) and it has room.</summary>
    private static LedgerEntryDraft MarkSealedFrom(LedgerEntryDraft draft, long? sealedSince) =>
        sealedSince is null && SealMarker.Marked(draft) is { } marked ? marked : draft;

    /// <summary>What the head records as the first marked sealed entry once <paramref name="entry"/> is appended.</summary>
    private static long? SealedSinceAfter(long? sealedSince, LedgerEntry entry) =>
        sealedSince ?? (entry.Metadata.ContainsKey(SealMarker.Key) ? entry.Sequence : null);

    /// <summary>
    /// The head's <see cref="SealedSinceColumn"/> as an append goes by it: only when the entry it names, at or below the
    /// head, carries <see cref="SealMarker"/> and this deployment's seal; null otherwise (the append then marks its entry),
    /// so a column forged before the first sealed append cannot stop the marker from being written. One point read (not
    /// remembered: the row may be stripped or rewritten between appends).
    /// </summary>
    private async Task<long?> MarkedSealedSinceAsync(string book, long? sealedSince, long headSequence, CancellationToken cancellationToken)
    {
        if (sealedSince is not { } since || since < 1 || since > headSequence)
        {
            return null;
        }

        var row = await table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(book), SequenceRowKey(since), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue || FromEntity(table.Name, row.Value!) is not { IsSealed: true } entry || entry.Sequence != since || !SealMarker.Marks(entry))
        {
            return null;
        }

        return since;
    }

    /// <summary>
    /// The book's head (<see cref="HeadAsync"/>) and its <see cref="SealedSinceColumn"/> as stored (null when it has none), from
    /// one read of the row: verify reports a column naming no marked entry, and a second read could see a later head.
    /// </summary>
    public async Task<(LedgerHead Head, long? SealedSince)> HeadAndSealedSinceAsync(string book, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(book), HeadRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? (ToHead(table.Name, row.Value!), SealedSinceOf(table.Name, row.Value!)) : (new LedgerHead(0, LedgerEntry.GenesisHash), null);
    }

    /// <summary>The head's first marked sealed entry; null when it records none (a head written before seals, or a new book's).</summary>
    private static long? SealedSinceOf(string tableName, TableEntity headRow) =>
        UnreadableRowException.Refusing(() => new StrictRow(tableName, headRow).Int64(SealedSinceColumn));
}
