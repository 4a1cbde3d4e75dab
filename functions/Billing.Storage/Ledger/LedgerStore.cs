using System.Runtime.CompilerServices;

namespace Billing.Storage.Ledger;

/// <summary>
/// The append-only, hash-chained ledger in table <c>{prefix}ledger</c> (docs/design.md §4.8). One partition per book
/// (PK = escaped book), three kinds of rows:
/// <list type="bullet">
/// <item>entries: RK = sequence, 19 digits zero-padded, so a partition scan returns them in order;</item>
/// <item>id index: RK = <c>id|{escaped entry id}</c> → sequence; makes appends idempotent by entry id;</item>
/// <item>head: RK = <c>head</c> → last sequence and hash.</item>
/// </list>
/// An append writes head (replace guarded by its ETag; insert for the first entry), entry row and id row in one
/// entity-group transaction, so all three land or none. A writer that lost the race (412 on the head, 409 on a row)
/// re-reads and retries with jittered backoff; the ETag makes the chain linear under any number of writers.
/// </summary>
public sealed class LedgerStore
{
    public const string TableName = "ledger";
    public const string HeadRowKey = "head";
    public const int DefaultMaxAttempts = 60;

    private const string LastSequenceRowKey = "9999999999999999999";
    private const int MaxRowKeyChars = 1024;

    private readonly TableClient table;
    private readonly int maxAttempts;
    private long conflicts;

    public LedgerStore(BillingTables tables, int maxAttempts = DefaultMaxAttempts)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        table = tables.Table(TableName);
        this.maxAttempts = maxAttempts;
    }

    public TableClient Table => table;

    /// <summary>How many append attempts of this instance lost a race and were retried (for metrics and tests).</summary>
    public long ConflictCount => Interlocked.Read(ref conflicts);

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken) =>
        await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);

    public static string PartitionKey(string book) => TableKey.Escape(book);

    public static string SequenceRowKey(long sequence) => sequence.ToString("D19", CultureInfo.InvariantCulture);

    public static string IdRowKey(string entryId) => TableKey.Join("id", TableKey.Escape(entryId));

    /// <summary>
    /// Appends <paramref name="draft"/> to <paramref name="book"/> and returns it sealed (sequence, previous hash, hash).
    /// Idempotent by entry id: if the id is already booked, returns the stored entry and writes nothing (throws
    /// <see cref="LedgerConflictException"/> if the stored one books different postings). Safe under concurrent writers.
    /// </summary>
    public async Task<LedgerEntry> AppendAsync(string book, LedgerEntryDraft draft, CancellationToken cancellationToken)
    {
        LedgerValidation.RequireBook(book);
        ArgumentNullException.ThrowIfNull(draft);
        string pk = PartitionKey(book);
        if (IdRowKey(draft.EntryId).Length > MaxRowKeyChars)
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

            var headRow = await table.GetEntityIfExistsAsync<TableEntity>(pk, HeadRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            LedgerHead head = headRow.HasValue ? ToHead(headRow.Value!) : new LedgerHead(0, LedgerEntry.GenesisHash);
            LedgerEntry entry = LedgerEntry.Seal(book, checked(head.LastSequence + 1), head.LastHash, draft);

            var newHead = new TableEntity(pk, HeadRowKey)
            {
                ["LastSequence"] = entry.Sequence,
                ["LastHash"] = entry.Hash,
                ["LastEntryId"] = entry.EntryId,
            };
            var actions = new List<TableTransactionAction>(3)
            {
                headRow.HasValue
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, newHead, headRow.Value!.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, newHead),
                new(TableTransactionActionType.Add, ToEntity(pk, entry, postings, metadata)),
                new(TableTransactionActionType.Add, new TableEntity(pk, IdRowKey(entry.EntryId))
                {
                    ["EntryId"] = entry.EntryId,
                    ["Sequence"] = entry.Sequence,
                    ["Hash"] = entry.Hash,
                }),
            };

            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                return entry;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another writer moved the head (412), created it first, or took this sequence or this entry id (409).
                Interlocked.Increment(ref conflicts);
            }

            if (attempt >= maxAttempts)
            {
                throw new LedgerContentionException(book, attempt);
            }

            await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Appends drafts with ids never booked before (an import, a backfill, a benchmark) in entity-group transactions of
    /// 49 entries: each moves the head (guarded by its ETag) together with its entry and id rows, so the chain stays linear
    /// under concurrent writers. A concurrent append makes it re-read the head and retry that chunk; an id that is already
    /// booked fails the chunk with <see cref="RequestFailedException"/> (409) — use <see cref="AppendAsync"/> for idempotent appends.
    /// </summary>
    public async Task<long> AppendBatchAsync(string book, IReadOnlyList<LedgerEntryDraft> drafts, CancellationToken cancellationToken)
    {
        LedgerValidation.RequireBook(book);
        ArgumentNullException.ThrowIfNull(drafts);
        const int PerTransaction = 49; // 1 head + 49 × (entry + id) = 99 ≤ 100 actions
        string pk = PartitionKey(book);
        long last = 0;
        for (int offset = 0; offset < drafts.Count; offset += PerTransaction)
        {
            var chunk = drafts.Skip(offset).Take(PerTransaction).ToList();
            for (int attempt = 1; ; attempt++)
            {
                var headRow = await table.GetEntityIfExistsAsync<TableEntity>(pk, HeadRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
                LedgerHead head = headRow.HasValue ? ToHead(headRow.Value!) : new LedgerHead(0, LedgerEntry.GenesisHash);
                var actions = new List<TableTransactionAction>(1 + 2 * chunk.Count);
                long sequence = head.LastSequence;
                string previous = head.LastHash;
                LedgerEntry? entry = null;
                foreach (var draft in chunk)
                {
                    entry = LedgerEntry.Seal(book, checked(++sequence), previous, draft);
                    actions.Add(new(TableTransactionActionType.Add, ToEntity(pk, entry, LedgerRowCodec.WritePostings(draft.Postings), LedgerRowCodec.WriteMetadata(draft.Metadata))));
                    actions.Add(new(TableTransactionActionType.Add, new TableEntity(pk, IdRowKey(entry.EntryId)) { ["EntryId"] = entry.EntryId, ["Sequence"] = entry.Sequence, ["Hash"] = entry.Hash }));
                    previous = entry.Hash;
                }

                var newHead = new TableEntity(pk, HeadRowKey) { ["LastSequence"] = entry!.Sequence, ["LastHash"] = entry.Hash, ["LastEntryId"] = entry.EntryId };
                actions.Insert(0, headRow.HasValue
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, newHead, headRow.Value!.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, newHead));
                try
                {
                    await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                    last = entry.Sequence;
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

    /// <summary>Entries of <paramref name="book"/> with sequence ≥ <paramref name="fromSequence"/>, in sequence order, page by page.</summary>
    public async IAsyncEnumerable<LedgerEntry> ReadAsync(string book, long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSequence, 1L);
        string pk = PartitionKey(book);
        string from = SequenceRowKey(fromSequence);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {from} and RowKey le {LastSequenceRowKey}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return FromEntity(row);
        }
    }

    /// <summary>Like <see cref="ReadAsync"/>, with the time storage wrote each row (its service-set timestamp).</summary>
    public async IAsyncEnumerable<(LedgerEntry Entry, DateTimeOffset RecordedAt)> ReadRecordedAsync(string book, long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSequence, 1L);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey(book)} and RowKey ge {SequenceRowKey(fromSequence)} and RowKey le {LastSequenceRowKey}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return (FromEntity(row), row.Timestamp ?? DateTimeOffset.MinValue);
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

    /// <summary>The entry booked under <paramref name="entryId"/> in <paramref name="book"/>, or null.</summary>
    public async Task<LedgerEntry?> GetAsync(string book, string entryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entryId);
        string pk = PartitionKey(book);
        var idRow = await table.GetEntityIfExistsAsync<TableEntity>(pk, IdRowKey(entryId), select: ["Sequence"], cancellationToken).ConfigureAwait(false);
        if (!idRow.HasValue || idRow.Value!.GetInt64("Sequence") is not { } sequence)
        {
            return null;
        }

        var row = await table.GetEntityIfExistsAsync<TableEntity>(pk, SequenceRowKey(sequence), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    /// <summary>The entry booked under <paramref name="entryId"/> in the main book, or null.</summary>
    public Task<LedgerEntry?> GetAsync(string entryId, CancellationToken cancellationToken) =>
        GetAsync(LedgerEntries.MainBook, entryId, cancellationToken);

    /// <summary>The book's head; an empty book gives sequence 0 and the genesis hash.</summary>
    public async Task<LedgerHead> HeadAsync(string book, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(book), HeadRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? ToHead(row.Value!) : new LedgerHead(0, LedgerEntry.GenesisHash);
    }

    /// <summary>Balances per (account, asset) over the whole book, summed while the entries stream past.</summary>
    public Task<Balances> BalancesAsync(string book, CancellationToken cancellationToken) =>
        Balances.ComputeAsync(ReadAsync(book, 1, cancellationToken), cancellationToken);

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
    /// A row as stored, without validation (a tampered row must still reach <see cref="HashChain.Verify"/>); an unknown
    /// kind becomes an undefined <see cref="LedgerEntryKind"/> value. Unreadable JSON throws <see cref="InvalidDataException"/>.
    /// </summary>
    internal static LedgerEntry FromEntity(TableEntity row)
    {
        try
        {
            string kindText = row.GetString("Kind") ?? "";
            LedgerEntryKind kind = Enum.TryParse(kindText, ignoreCase: false, out LedgerEntryKind k) && Enum.IsDefined(k) && kindText == k.ToString()
                ? k
                : (LedgerEntryKind)(-1);
            long ticks = row.GetInt64("OccurredAtTicks") ?? 0;
            return new LedgerEntry(
                row.GetString("Book") ?? TableKey.Unescape(row.PartitionKey),
                row.GetInt64("Sequence") ?? 0,
                row.GetString("EntryId") ?? "",
                kind,
                new DateTimeOffset(ticks, TimeSpan.Zero),
                LedgerRowCodec.ReadPostings(row.GetString("Postings") ?? "[]"),
                LedgerRowCodec.ReadMetadata(row.GetString("Metadata") ?? "{}"),
                row.GetString("PreviousHash") ?? "",
                row.GetString("Hash") ?? "");
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException($"Ledger row {row.PartitionKey}/{row.RowKey} cannot be read: {e.Message}", e);
        }
    }

    private static LedgerHead ToHead(TableEntity row) =>
        new(row.GetInt64("LastSequence") ?? 0, row.GetString("LastHash") ?? LedgerEntry.GenesisHash);

    private static TimeSpan Backoff(int attempt)
    {
        // 2, 4, 8, … ms capped at 100 ms, full jitter: short enough that a loser gets back in between a winner's appends.
        double cap = Math.Min(100, 2 * Math.Pow(2, Math.Min(attempt, 6)));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * cap);
    }
}
