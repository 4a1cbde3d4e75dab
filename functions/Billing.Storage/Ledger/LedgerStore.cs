namespace Billing.Storage.Ledger;

/// <summary>
/// The append-only, hash-chained ledger in table <c>{prefix}ledger</c> (docs/design.md §4.8). One partition per book
/// (PK = escaped book), three kinds of rows:
/// <list type="bullet">
/// <item>entries: RK = sequence, 19 digits zero-padded, so a partition scan returns them in order;</item>
/// <item>id index: RK = <c>id|{escaped entry id}</c> → sequence; makes appends idempotent by entry id;</item>
/// <item>head: RK = <c>head</c> → last sequence and hash;</item>
/// <item>subject index: RK = <c>ix|{escaped subject}|{escaped entry id}</c> → sequence, for the entries
/// <see cref="LedgerIndex.SubjectOf"/> names a subject for (money going back on an invoice), read by <see cref="IndexedAsync"/>;</item>
/// <item>index cursor: RK = <see cref="IndexCursorRowKey"/> → how far the subject index is whole (<see cref="LedgerIndexCursor"/>),
/// written complete by a book's first append.</item>
/// </list>
/// An append writes head (replace guarded by its ETag; insert for the first entry), entry row, id row and index row in one
/// entity-group transaction, so all three land or none. A writer that lost the race (412 on the head, 409 on a row)
/// re-reads and retries with jittered backoff; the ETag makes the chain linear under any number of writers.
/// </summary>
public sealed partial class LedgerStore
{
    public const string TableName = "ledger";
    public const string HeadRowKey = "head";
    public const int DefaultMaxAttempts = 60;

    private const string LastSequenceRowKey = "9999999999999999999";

    private const string IndexPrefix = "ix";

    /// <summary>The place of the entry row in an append's transaction: a conflict there, not on the id row, is a taken sequence.</summary>
    private const int EntryActionIndex = 1;

    private readonly TableClient table;
    private readonly LedgerSealKeys seals;
    private readonly int maxAttempts;
    private long conflicts;
    private long entryRowsRead;

    /// <param name="tables">The deployment's tables.</param>
    /// <param name="seals">The keys every appended row is sealed with and every row read is checked against (<see cref="LedgerSealKeys"/>).</param>
    /// <param name="maxAttempts">How many times an append that lost a race is tried.</param>
    public LedgerStore(BillingTables tables, LedgerSealKeys seals, int maxAttempts = DefaultMaxAttempts)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(seals);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        table = tables.Table(TableName);
        this.seals = seals;
        this.maxAttempts = maxAttempts;
    }

    public TableClient Table => table;

    /// <summary>How many append attempts of this instance lost a race and were retried (for metrics and tests).</summary>
    public long ConflictCount => Interlocked.Read(ref conflicts);

    /// <summary>How many entry rows this instance's ordered reads have taken from the table (for metrics and tests: what a read costs).</summary>
    public long EntryRowsRead => Interlocked.Read(ref entryRowsRead);

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken) =>
        await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);

    public static string PartitionKey(string book) => TableKey.Escape(book);

    public static string SequenceRowKey(long sequence) => sequence.ToString("D19", CultureInfo.InvariantCulture);

    public static string IdRowKey(string entryId) => TableKey.Join("id", TableKey.Escape(entryId));

    /// <summary>The row key of <paramref name="entryId"/>'s row in the index of <paramref name="subject"/> (<see cref="LedgerIndex"/>).</summary>
    public static string IndexRowKey(string subject, string entryId) => TableKey.Join(IndexPrefix, TableKey.Escape(subject), TableKey.Escape(entryId));

    /// <summary>The start of every row key in the index of <paramref name="subject"/>.</summary>
    public static string IndexRowKeyPrefix(string subject) => TableKey.Join(IndexPrefix, TableKey.Escape(subject), "");

    /// <summary>
    /// Appends <paramref name="draft"/> to <paramref name="book"/> and returns it sealed (sequence, previous hash, hash).
    /// Idempotent by entry id: if the id is already booked, returns the stored entry and writes nothing (throws
    /// <see cref="LedgerConflictException"/> if the stored one books different postings). Safe under concurrent writers.
    /// Refuses with <see cref="InvalidDataException"/> naming the row a book changed outside the platform: see
    /// <see cref="HeadToAppendToAsync"/>, <see cref="GetAsync(string, string, CancellationToken)"/> and a row planted past the head.
    /// </summary>
    public async Task<LedgerEntry> AppendAsync(string book, LedgerEntryDraft draft, CancellationToken cancellationToken)
    {
        LedgerValidation.RequireBook(book);
        ArgumentNullException.ThrowIfNull(draft);
        string pk = PartitionKey(book);
        string? subject = LedgerIndex.SubjectOf(draft.Kind, draft.Metadata);
        if (!TableKey.CanExist(IdRowKey(draft.EntryId)) || subject is not null && !TableKey.CanExist(IndexRowKey(subject, draft.EntryId)))
        {
            throw new ArgumentException($"Entry id '{draft.EntryId}' is too long once escaped for a table row key.", nameof(draft));
        }

        string postings = LedgerRowCodec.WritePostings(draft.Postings);
        string metadata = LedgerRowCodec.WriteMetadata(draft.Metadata);

        for (int attempt = 1; ; attempt++)
        {
            LedgerEntry? existing = await GetAsync(book, draft.EntryId, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                return existing.SameBookingAs(draft) ? existing : throw new LedgerConflictException(existing, draft);
            }

            var (head, headETag, formatSince, headSealedSince) = await HeadToAppendToAsync(book, cancellationToken).ConfigureAwait(false);
            long? sealedSince = await MarkedSealedSinceAsync(book, headSealedSince, head.LastSequence, cancellationToken).ConfigureAwait(false);
            var actions = new List<TableTransactionAction>(4) { default! }; // the head first, set below; then the entries (EntryActionIndex)
            var (toSeal, changeOver) = ChangeOver(book, head, formatSince, draft, pk, actions);
            toSeal = MarkSealedFrom(toSeal, sealedSince);
            LedgerEntry entry = SealOf(LedgerEntry.Seal(book, checked((changeOver?.Sequence ?? head.LastSequence) + 1), changeOver?.Hash ?? head.LastHash, toSeal));
            actions[0] = HeadAction(pk, entry, formatSince ?? changeOver?.Sequence ?? entry.Sequence, SealedSinceAfter(sealedSince, entry), headETag);
            actions.Add(new(TableTransactionActionType.Add, SealedEntity(pk, entry, postings, ReferenceEquals(toSeal, draft) ? metadata : LedgerRowCodec.WriteMetadata(toSeal.Metadata))));
            actions.Add(new(TableTransactionActionType.Add, IdEntity(pk, entry)));
            if (subject is not null)
            {
                actions.Add(new(TableTransactionActionType.Add, IndexEntity(pk, subject, entry)));
            }

            if (await TryMoveHeadAsync(book, head, headETag, actions, attempt, cancellationToken).ConfigureAwait(false))
            {
                return entry;
            }
        }
    }

    /// <summary>
    /// Submits <paramref name="actions"/>, which move the head guarded by <paramref name="headETag"/>: true when they landed;
    /// false, after the retry's pause, when another writer moved the head (412), created it first, or took this sequence or
    /// entry id (409). Throws <see cref="LedgerContentionException"/> on the last attempt, and refuses a row planted past the
    /// head (<see cref="RefuseRowPastHeadAsync"/>).
    /// </summary>
    private async Task<bool> TryMoveHeadAsync(string book, LedgerHead head, ETag? headETag, List<TableTransactionAction> actions, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            Interlocked.Increment(ref conflicts);
            if (ex.Status == 409 && headETag is { } used && (ex as TableTransactionFailedException)?.FailedTransactionActionIndex is null or EntryActionIndex)
            {
                await RefuseRowPastHeadAsync(book, head.LastSequence, used, cancellationToken).ConfigureAwait(false);
            }
        }

        if (attempt >= maxAttempts)
        {
            throw new LedgerContentionException(book, attempt);
        }

        await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// Appends drafts with ids never booked before (an import, a backfill, a benchmark) in entity-group transactions of
    /// up to 49 entries (fewer when they have index rows): each moves the head (guarded by its ETag) together with its entry and id rows, so the chain stays linear
    /// under concurrent writers. A concurrent append makes it re-read the head and retry that chunk; an id that is already
    /// booked fails the chunk with <see cref="RequestFailedException"/> (409) — use <see cref="AppendAsync"/> for idempotent appends.
    /// </summary>
    public async Task<long> AppendBatchAsync(string book, IReadOnlyList<LedgerEntryDraft> drafts, CancellationToken cancellationToken)
    {
        LedgerValidation.RequireBook(book);
        ArgumentNullException.ThrowIfNull(drafts);
        const int MaxActions = 100; // 1 head (+ 2 of a change-over entry) + per entry its entry, id and (when indexed) index rows
        string pk = PartitionKey(book);
        long last = 0;
        for (int offset = 0; offset < drafts.Count;)
        {
            var chunk = new List<LedgerEntryDraft>();
            for (int actionCount = 3; offset < drafts.Count; offset++) // the head, and a change-over entry's rows when the chunk needs one
            {
                int needs = LedgerIndex.SubjectOf(drafts[offset].Kind, drafts[offset].Metadata) is null ? 2 : 3;
                if (actionCount + needs > MaxActions)
                {
                    break;
                }

                actionCount += needs;
                chunk.Add(drafts[offset]);
            }

            for (int attempt = 1; ; attempt++)
            {
                var (head, headETag, formatSince, headSealedSince) = await HeadToAppendToAsync(book, cancellationToken).ConfigureAwait(false);
                long? sealedSince = await MarkedSealedSinceAsync(book, headSealedSince, head.LastSequence, cancellationToken).ConfigureAwait(false);
                var actions = new List<TableTransactionAction>(3 + 3 * chunk.Count) { default! }; // the head first, set below
                var (first, changeOver) = ChangeOver(book, head, formatSince, chunk[0], pk, actions);
                first = MarkSealedFrom(first, sealedSince);
                long? sealedFrom = sealedSince;
                long sequence = changeOver?.Sequence ?? head.LastSequence;
                string previous = changeOver?.Hash ?? head.LastHash;
                LedgerEntry? entry = null;
                for (int i = 0; i < chunk.Count; i++)
                {
                    var draft = i == 0 ? first : chunk[i];
                    entry = SealOf(LedgerEntry.Seal(book, checked(++sequence), previous, draft));
                    sealedFrom = SealedSinceAfter(sealedFrom, entry);
                    actions.Add(new(TableTransactionActionType.Add, SealedEntity(pk, entry, LedgerRowCodec.WritePostings(draft.Postings), LedgerRowCodec.WriteMetadata(draft.Metadata))));
                    actions.Add(new(TableTransactionActionType.Add, IdEntity(pk, entry)));
                    if (LedgerIndex.SubjectOf(draft.Kind, draft.Metadata) is { } subject)
                    {
                        actions.Add(new(TableTransactionActionType.Add, IndexEntity(pk, subject, entry)));
                    }

                    previous = entry.Hash;
                }

                actions[0] = HeadAction(pk, entry!, formatSince ?? changeOver?.Sequence ?? head.LastSequence + 1, sealedFrom, headETag);
                try
                {
                    await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                    last = entry!.Sequence;
                    break;
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 412 || ex.Status == 409 && ex.FailedTransactionActionIndex is 0)
                {
                    Interlocked.Increment(ref conflicts);
                    if (attempt >= maxAttempts)
                    {
                        throw new LedgerContentionException(book, attempt);
                    }

                    await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return last;
    }

    /// <summary>
    /// The head a new entry goes after, with the ETag guarding it (null: the book is empty). Refuses with an
    /// <see cref="InvalidDataException"/> naming the row rather than append on top of a history it cannot read: an
    /// unreadable head; a head whose entry is missing, unreadable or holds another hash; no head while entries exist
    /// (appending would restart the chain at sequence 1). One book's refusal leaves every other book appendable.
    /// </summary>
    private async Task<(LedgerHead Head, ETag? ETag, long? FormatSince, long? SealedSince)> HeadToAppendToAsync(string book, CancellationToken cancellationToken)
    {
        string pk = PartitionKey(book);
        var headRow = await table.GetEntityIfExistsAsync<TableEntity>(pk, HeadRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!headRow.HasValue)
        {
            var first = await table.GetEntityIfExistsAsync<TableEntity>(pk, SequenceRowKey(1), select: ["Sequence"], cancellationToken).ConfigureAwait(false);
            if (!first.HasValue)
            {
                return (new LedgerHead(0, LedgerEntry.GenesisHash), null, null, null);
            }

            // Entry 1 and the head are written in one transaction: another writer's first append, unless the head was removed.
            headRow = await table.GetEntityIfExistsAsync<TableEntity>(pk, HeadRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!headRow.HasValue)
            {
                throw new InvalidDataException($"Ledger book '{book}' has entries but no head row (table '{table.Name}', partition '{pk}', row '{HeadRowKey}'): it was removed outside this platform, and nothing is appended until it is restored; run ledger verify");
            }
        }

        LedgerHead head = ToHead(table.Name, headRow.Value!);
        if (head.LastSequence > 0)
        {
            var last = await table.GetEntityIfExistsAsync<TableEntity>(pk, SequenceRowKey(head.LastSequence), cancellationToken: cancellationToken).ConfigureAwait(false);
            string? lastHash = last.HasValue ? FromEntity(table.Name, last.Value!).Hash : null;
            if (!string.Equals(lastHash, head.LastHash, StringComparison.Ordinal))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"Ledger book '{book}': the head (table '{table.Name}', partition '{pk}', row '{HeadRowKey}') records sequence {head.LastSequence} with hash {head.LastHash}, but {(lastHash is null ? "that entry's row is missing" : "that entry's row holds hash " + lastHash)}: the book was changed outside this platform, and nothing is appended on top of it; run ledger verify"));
            }
        }

        if (head.LastSequence == long.MaxValue)
        {
            // No sequence follows it: an append would overflow, which no caller isolates as a refused booking.
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"Ledger book '{book}': the head (table '{table.Name}', partition '{pk}', row '{HeadRowKey}') records sequence {head.LastSequence}, the largest there is: it was written outside this platform, and nothing is appended after it; run ledger verify"));
        }

        return (head, headRow.Value!.ETag, FormatSinceOf(table.Name, headRow.Value!), SealedSinceOf(table.Name, headRow.Value!));
    }

    /// <summary>
    /// After an append lost with 409 on its entry row: when that row exists and the head is still, after it was seen, the
    /// one the append was guarded by, no other writer took the sequence (a writer moves the head in the same transaction,
    /// and heads never move back), so the row was put there outside the platform and every append would collide with it.
    /// Refuses naming it, rather than retrying as if under contention. The row is read first: read after the head, it
    /// could be a booking that moved the head in between.
    /// </summary>
    private async Task RefuseRowPastHeadAsync(string book, long headSequence, ETag headETag, CancellationToken cancellationToken)
    {
        string pk = PartitionKey(book);
        string rowKey = SequenceRowKey(checked(headSequence + 1));
        var past = await table.GetEntityIfExistsAsync<TableEntity>(pk, rowKey, select: ["Sequence"], cancellationToken).ConfigureAwait(false);
        if (!past.HasValue)
        {
            return;
        }

        var headRow = await table.GetEntityIfExistsAsync<TableEntity>(pk, HeadRowKey, select: ["LastSequence"], cancellationToken).ConfigureAwait(false);
        if (headRow.HasValue && headRow.Value!.ETag == headETag)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"Ledger book '{book}': row '{rowKey}' (table '{table.Name}', partition '{pk}') exists past the head, which records sequence {headSequence}: it was written outside this platform (or the head was rewound), and nothing is appended until it is removed or the head repaired; run ledger verify"));
        }
    }

    private static TableEntity IndexEntity(string pk, string subject, LedgerEntry entry) => new(pk, IndexRowKey(subject, entry.EntryId))
    {
        ["Subject"] = subject,
        ["EntryId"] = entry.EntryId,
        ["Sequence"] = entry.Sequence,
        ["Hash"] = entry.Hash,
    };

    /// <summary>A row without its seal, as a writer outside the platform (or before seals) would write it.</summary>
    internal static TableEntity ToEntity(string pk, LedgerEntry entry, string postings, string metadata) => new(pk, SequenceRowKey(entry.Sequence))
    {
        ["Book"] = entry.Book,
        ["Sequence"] = entry.Sequence,
        ["EntryId"] = entry.EntryId,
        ["Kind"] = entry.Kind.ToString(),
        ["OccurredAtTicks"] = entry.OccurredAt.UtcTicks,
        ["OccurredAt"] = entry.OccurredAt,
        ["Postings"] = postings,
        ["Metadata"] = metadata,
        ["PreviousHash"] = entry.PreviousHash,
        ["Hash"] = entry.Hash,
        ["Encoding"] = LedgerEncoding.VersionTag,
    };

    /// <summary>
    /// A row as stored, without checking the entry (a tampered entry must still reach <see cref="HashChain.Verify"/>); an
    /// unknown kind becomes an undefined <see cref="LedgerEntryKind"/> value. A row that is not what <see cref="ToEntity"/>
    /// writes (a property of another type, a required one missing, postings or metadata the codec cannot read) throws
    /// <see cref="InvalidDataException"/> naming the row and the property.
    /// </summary>
    internal LedgerEntry FromEntity(string tableName, TableEntity row) => UnreadableRowException.Refusing(() => ParseEntry(tableName, row));

    /// <summary><see cref="FromEntity"/> throwing <see cref="UnreadableRowException"/>, for readers that list the row apart.</summary>
    private LedgerEntry ParseEntry(string tableName, TableEntity row)
    {
        var values = new StrictRow(tableName, row);
        string kindText = values.Text("Kind", required: true)!;
        LedgerEntryKind kind = Enum.TryParse(kindText, ignoreCase: false, out LedgerEntryKind k) && Enum.IsDefined(k) && kindText == k.ToString()
            ? k
            : (LedgerEntryKind)(-1);
        long ticks = values.Int64("OccurredAtTicks", required: true)!.Value;
        if (ticks is < 0 or > 3_155_378_975_999_999_999) // DateTime.MaxValue.Ticks
        {
            throw values.Unreadable("OccurredAtTicks", string.Create(CultureInfo.InvariantCulture, $"{ticks} is not a time in ticks"));
        }

        // Written beside the hashed fields and never read back, but a row holding another type there was not written as is.
        values.Time("OccurredAt");
        values.Text("Encoding");
        string? seal = values.Text(SealColumn);
        var entry = new LedgerEntry(
            values.Text("Book") ?? TableKey.Unescape(row.PartitionKey),
            values.Int64("Sequence", required: true)!.Value,
            values.Text("EntryId", required: true)!,
            kind,
            new DateTimeOffset(ticks, TimeSpan.Zero),
            Decode(values, "Postings", LedgerRowCodec.ReadPostings),
            Decode(values, "Metadata", LedgerRowCodec.ReadMetadata),
            values.Text("PreviousHash", required: true)!,
            values.Text("Hash", required: true)!)
        {
            RecordedAt = row.Timestamp,
        };

        // Checked against the fields as stored and the partition's book (a row copied elsewhere keeps its Book column): moved or changed reads Invalid.
        return entry.WithSeal(seal, seals.CheckEntry(seal, TableKey.Unescape(row.PartitionKey), entry.Sequence, entry.Hash));
    }

    private static T Decode<T>(StrictRow values, string name, Func<string, T> read)
    {
        string json = values.Text(name, required: true)!;
        try
        {
            return read(json);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or OverflowException)
        {
            throw values.Unreadable(name, $"not what the ledger writes there ({e.Message})", e);
        }
    }

    private static LedgerHead ToHead(string tableName, TableEntity row) => UnreadableRowException.Refusing(() =>
    {
        var values = new StrictRow(tableName, row);
        values.Text("LastEntryId");
        return new LedgerHead(values.Int64("LastSequence", required: true)!.Value, values.Text("LastHash", required: true)!);
    });

    private static TimeSpan Backoff(int attempt)
    {
        // 2, 4, 8, … ms capped at 100 ms, full jitter: short enough that a loser gets back in between a winner's appends.
        double cap = Math.Min(100, 2 * Math.Pow(2, Math.Min(attempt, 6)));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * cap);
    }
}
