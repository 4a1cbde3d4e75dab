namespace Billing.Storage.Ledger;

/// <summary>
/// The book's change-over to today's format (<see cref="BookFormat"/>): written by the first append of today's code (the head
/// records its sequence from then on), and the chain evidence burns go by to know the subject index is whole.
/// </summary>
public sealed partial class LedgerStore
{
    /// <summary>The head's column naming the sequence of the book's change-over entry (<see cref="BookFormat"/>).</summary>
    private const string FormatSinceColumn = "FormatSince";

    /// <summary>
    /// Whether every entry of <paramref name="book"/> has its subject index rows, on the chain's word, never a row's: the entry the
    /// head names as the change-over (<see cref="BookFormat"/>) marks it, its hash matches what it holds and it is at or below
    /// the head; it is entry 1 (the book was created indexed), or the entry <see cref="BookFormat.BackfilledBelow"/> it is of the
    /// chain after it; either sealed by this deployment (<see cref="LedgerSealKeys"/>: an unsealed one was written before seals,
    /// or planted). A book with no row at all is new (its first append is the change-over). Anything else (a book written
    /// before, its backfill not evidenced; a head or change-over removed or edited) is not complete. Two to eight point reads.
    /// Throws <see cref="InvalidDataException"/> when a row it reads cannot be read.
    /// </summary>
    public async Task<bool> IsIndexCompleteAsync(string book, CancellationToken cancellationToken)
    {
        if (await ChangeOverEntryAsync(book, cancellationToken).ConfigureAwait(false) is not { } changeOver)
        {
            string pk = PartitionKey(book);
            await foreach (var _ in table.QueryAsync<TableEntity>(e => e.PartitionKey == pk, maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                return false; // rows, but no change-over of the chain: written before, or its head or change-over removed
            }

            return true;
        }

        // Invariant: only entries sealed by this deployment are its evidence (a writer with table access can chain an entry
        // at the head, but not seal it): the change-over at entry 1 when sealed, else a sealed claim of the anchor run's.
        if (changeOver.Sequence == 1 && changeOver.IsSealed)
        {
            return true;
        }

        foreach (string id in BookFormat.BackfillIds(changeOver.Sequence))
        {
            var claim = await GetAsync(book, id, cancellationToken).ConfigureAwait(false);
            if (claim is { IsSealed: true } && claim.Sequence > changeOver.Sequence && BookFormat.BackfilledBelow(claim) == changeOver.Sequence)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The book's change-over entry as the head names it, when it is one of the chain (<see cref="BookFormat.Marks"/>, its
    /// row's sequence, entry 1 or at or below the head); null otherwise (none recorded, or a head or entry edited outside the platform).
    /// </summary>
    public async Task<LedgerEntry?> ChangeOverEntryAsync(string book, CancellationToken cancellationToken)
    {
        string pk = PartitionKey(book);
        var headRow = await table.GetEntityIfExistsAsync<TableEntity>(pk, HeadRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        // Entry 1 is the chain's first whatever else the head says (an append past an unreadable head is refused anyway);
        // a later one must be at or below it, not a row planted past it.
        if (!headRow.HasValue || FormatSinceOf(table.Name, headRow.Value!) is not { } since || since < 1 || since > 1 && since > ToHead(table.Name, headRow.Value!).LastSequence)
        {
            return null;
        }

        var row = await table.GetEntityIfExistsAsync<TableEntity>(pk, SequenceRowKey(since), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue)
        {
            return null;
        }

        var entry = FromEntity(table.Name, row.Value!);
        return entry.Sequence == since && BookFormat.Marks(entry) ? entry : null;
    }

    /// <summary>
    /// The book's change-over entry, appended now (a <see cref="LedgerEntryKind.BookFormatChanged"/> entry at
    /// <paramref name="occurredAt"/>) when the head names none of the chain: for a book written before, whose backfill goes up
    /// to it. Safe under concurrent writers (the head's ETag); an append that lands first and marks its entry is the one.
    /// </summary>
    public async Task<LedgerEntry> EnsureChangeOverAsync(string book, DateTimeOffset occurredAt, CancellationToken cancellationToken)
    {
        string pk = PartitionKey(book);
        for (int attempt = 1; ; attempt++)
        {
            if (await ChangeOverEntryAsync(book, cancellationToken).ConfigureAwait(false) is { } found)
            {
                return found;
            }

            // The head names none (or one that is not of the chain: a fresh change-over replaces what it names).
            var (head, headETag, _, sealedSince) = await HeadToAppendToAsync(book, cancellationToken).ConfigureAwait(false);
            var actions = new List<TableTransactionAction>(3) { default! };
            var (_, changeOver) = ChangeOver(book, head, null, BookFormat.Changed(0, occurredAt), pk, actions, alwaysOwnEntry: true);
            actions[0] = HeadAction(pk, changeOver!, changeOver!.Sequence, sealedSince, headETag);
            if (await TryMoveHeadAsync(book, head, headETag, actions, attempt, cancellationToken).ConfigureAwait(false))
            {
                return changeOver;
            }
        }
    }

    /// <summary>
    /// The book's change-over (<see cref="BookFormat"/>) for an append whose head records none (<paramref name="formatSince"/>
    /// null: a new book, or one written before): <paramref name="draft"/> marked, or, when its metadata has no room, a
    /// <see cref="LedgerEntryKind.BookFormatChanged"/> entry sealed after the head, whose rows are added to
    /// <paramref name="actions"/>. Two first appends racing both mark; the head's ETag lets one land, and the other, retried,
    /// reads a head that records it.
    /// </summary>
    private (LedgerEntryDraft Draft, LedgerEntry? ChangeOver) ChangeOver(string book, LedgerHead head, long? formatSince, LedgerEntryDraft draft, string pk, List<TableTransactionAction> actions, bool alwaysOwnEntry = false)
    {
        if (formatSince is not null)
        {
            return (draft, null);
        }

        if (!alwaysOwnEntry && BookFormat.Marked(draft) is { } marked)
        {
            return (marked, null);
        }

        long sequence = checked(head.LastSequence + 1);
        var changed = BookFormat.Changed(sequence, draft.OccurredAt);
        var entry = SealOf(LedgerEntry.Seal(book, sequence, head.LastHash, changed));
        actions.Add(new(TableTransactionActionType.Add, SealedEntity(pk, entry, LedgerRowCodec.WritePostings(changed.Postings), LedgerRowCodec.WriteMetadata(changed.Metadata))));
        actions.Add(new(TableTransactionActionType.Add, IdEntity(pk, entry)));
        return (draft, entry);
    }

    /// <summary>
    /// The head after <paramref name="last"/>: replaced under <paramref name="etag"/>, or added for a new book; it carries the
    /// sequence of the book's change-over (<see cref="FormatSinceColumn"/>), so later appends know it without a read, and of
    /// its first sealed entry (<see cref="SealedSinceColumn"/>, when marked), so only the first sealed append marks.
    /// </summary>
    private static TableTransactionAction HeadAction(string pk, LedgerEntry last, long formatSince, long? sealedSince, ETag? etag)
    {
        var head = new TableEntity(pk, HeadRowKey)
        {
            ["LastSequence"] = last.Sequence,
            ["LastHash"] = last.Hash,
            ["LastEntryId"] = last.EntryId,
            [FormatSinceColumn] = formatSince,
        };
        if (sealedSince is { } since)
        {
            head[SealedSinceColumn] = since;
        }

        return etag is { } guard
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, head, guard)
            : new TableTransactionAction(TableTransactionActionType.Add, head);
    }

    private static TableEntity IdEntity(string pk, LedgerEntry entry) => new(pk, IdRowKey(entry.EntryId))
    {
        ["EntryId"] = entry.EntryId,
        ["Sequence"] = entry.Sequence,
        ["Hash"] = entry.Hash,
    };

    /// <summary>The head's change-over sequence; null when it records none (a head written before, or a new book's).</summary>
    private static long? FormatSinceOf(string tableName, TableEntity headRow) =>
        UnreadableRowException.Refusing(() => new StrictRow(tableName, headRow).Int64(FormatSinceColumn));
}
