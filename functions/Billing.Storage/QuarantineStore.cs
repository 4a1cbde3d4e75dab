namespace Billing.Storage;

/// <summary>
/// Bad events from the Event Hubs path, never dropped. The row key is a hash of (hub, kind, raw), so a redelivered
/// batch lands on the same rows instead of piling up copies; an event's main row is inserted, never overwritten: a
/// redelivery only counts itself on it (<see cref="QuarantineDelivery"/>), so what was seen first (time, position, reasons,
/// payload) and what only replays write there (the replay record and history, <see cref="RecordReplayAsync"/>) stay.
/// Partitioned by source for per-partner listing.
/// <para>Raw payloads are kept whole, byte for byte: split into <c>Raw0</c>, <c>Raw1</c>, … (and <c>ExistingRaw0</c>, …
/// for a conflict's first version) of at most <see cref="ChunkChars"/> characters, as many on a row as fit
/// <see cref="RowBudgetBytes"/>, further ones on continuation rows <c>{rowKey}-1</c>, <c>{rowKey}-2</c>, … so no entity passes 1 MiB.
/// Writes are entity-group transactions of at most 100 rows and an estimated 3 MiB on the wire.</para>
/// </summary>
public sealed partial class QuarantineStore(BillingTables tables)
{
    public const int ChunkChars = 30_000;

    /// <summary>What one row may hold, estimated as in <see cref="QuarantineRowLayout.WireBytes"/>: under the 1 MiB entity limit however it is measured.</summary>
    public const long RowBudgetBytes = 960 * 1024;

    /// <summary>The most a row's replay history (<see cref="QuarantineReplay.HistoryLimit"/> replays) may take of its one property (Table Storage: 32 Ki characters).</summary>
    public const int MaxReplayHistoryChars = 30_000;

    private const long TransactionBudgetBytes = 3 * 1024 * 1024;
    private const int RowsPerTransaction = 100;

    /// <summary>How often a write under a row's ETag is tried against hosts writing the row at once before the conflict propagates (transient: the invocation is retried).</summary>
    private const int MaxAttempts = 16;

    /// <summary>What a replay reads of a row: the record that stands, the history and the first reasons.</summary>
    private static readonly string[] ReplayColumns = ["ReplayOutcome", "ReplayedAt", "ReplayedBy", QuarantineReplayHistory.Property, "Reasons"];

    /// <summary>A main row's facts of its first delivery, which a later one never rewrites (and the keys, which it cannot).</summary>
    private static readonly HashSet<string> FirstSeenColumns =
        new(["PartitionKey", "RowKey", "odata.etag", "Timestamp", "Kind", "Reasons", "Source", "EventId", "Hub", "PartitionId", "SequenceNumber", "EnqueuedTime", "QuarantinedAt"], StringComparer.Ordinal);

    private readonly TableClient table = tables.Quarantine;

    public static string RowKeyFor(QuarantinedEvent e) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{e.Hub}\u001f{e.Kind}\u001f{e.Raw}")));

    /// <summary>The partition of events whose source cannot be read; no partner may have this id (its quarantine is its own partition).</summary>
    public const string UnknownSourcePartition = "_unknown";

    /// <summary>The partition of a source's quarantined events (a digest when the escaped source is too long for a key).</summary>
    public static string PartitionKeyFor(string? source) => TableKey.Part(source ?? UnknownSourcePartition, FactStore.MaxPartitionPartChars);

    /// <summary>Whether <paramref name="text"/> is an id of <see cref="QuarantineEntry"/> (a well-formed one; the event may not exist).</summary>
    public static bool IsId(string text) => QuarantineRows.TryParseId(text, out _, out _);

    /// <summary>Whether the event <paramref name="id"/> names is stored under <paramref name="source"/> (the partition of its source).</summary>
    public static bool IsOfSource(string id, string source) => QuarantineRows.TryParseId(id, out string pk, out _) && pk == PartitionKeyFor(source);

    /// <summary>
    /// Stores events metering set aside. An event stored already (the same hub, kind and payload: a redelivery) keeps what
    /// was seen first and counts one more delivery (<see cref="QuarantineDelivery"/>); its payload rows are not rewritten.
    /// </summary>
    public async Task AddAsync(IEnumerable<QuarantinedEvent> events, CancellationToken cancellationToken)
    {
        foreach (var group in events.GroupBy(e => PartitionKeyFor(e.Source)))
        {
            var batch = new List<List<TableEntity>>();
            int count = 0;
            long bytes = 0;
            foreach (var rows in group.DistinctBy(RowKeyFor).Select(e => QuarantineRowLayout.Rows(group.Key, e)))
            {
                long size = rows.Sum(QuarantineRowLayout.WireBytes);
                if (rows.Count > RowsPerTransaction || size > TransactionBudgetBytes)
                {
                    await AddEventAsync(rows, cancellationToken).ConfigureAwait(false); // more than one transaction
                    continue;
                }

                // An event's rows go in one transaction, so a main row is never stored without its payload rows.
                if (batch.Count > 0 && (count + rows.Count > RowsPerTransaction || bytes + size > TransactionBudgetBytes))
                {
                    await SubmitAsync(batch, cancellationToken).ConfigureAwait(false);
                    batch.Clear();
                    count = 0;
                    bytes = 0;
                }

                batch.Add(rows);
                count += rows.Count;
                bytes += size;
            }

            if (batch.Count > 0)
            {
                await SubmitAsync(batch, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// One transaction inserting the events' main rows; when one is stored already (409) or the service refuses the
    /// transaction deterministically, event by event (<see cref="AddEventAsync"/>). Transient errors propagate: the
    /// invocation fails and is retried.
    /// </summary>
    private async Task SubmitAsync(List<List<TableEntity>> events, CancellationToken cancellationToken)
    {
        if (events.Count > 1)
        {
            try
            {
                await table.SubmitTransactionAsync(events.SelectMany(rows => rows).Select(Insert).ToList(), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 409 || StorageFailure.IsDeterministic(ex))
            {
                // Nothing of the transaction was stored: each event alone.
            }
        }

        foreach (var rows in events)
        {
            await AddEventAsync(rows, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One event: inserted whole (its main row added, so a stored one is never overwritten), or recorded as a redelivery of
    /// the stored one. A row the service still refuses is replaced by a small row that says so (kind, hash and length of the
    /// raw payload, the service's reason), so no event blocks the batch forever.
    /// </summary>
    private async Task AddEventAsync(List<TableEntity> rows, CancellationToken cancellationToken)
    {
        var main = rows[0];
        if (rows.Count <= RowsPerTransaction && rows.Sum(QuarantineRowLayout.WireBytes) <= TransactionBudgetBytes)
        {
            try
            {
                await table.SubmitTransactionAsync(rows.Select(Insert).ToList(), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                await RecordDeliveryAsync(rows, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when (StorageFailure.IsDeterministic(ex))
            {
                // Row by row below.
            }
        }
        else if ((await table.GetEntityIfExistsAsync<TableEntity>(main.PartitionKey, main.RowKey, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false)).HasValue)
        {
            // Checked before its payload rows are written: a redelivery never rewrites the payload as first stored.
            await RecordDeliveryAsync(rows, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Payload rows first, the main row last: the event is listed once its payload is stored.
        await WritePartsAsync(rows, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(main, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            await RecordDeliveryAsync(rows, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (RequestFailedException ex) when (StorageFailure.IsDeterministic(ex))
        {
            main = Stub(main, ex);
        }

        try
        {
            await table.AddEntityAsync(main, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            await RecordDeliveryAsync([main], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The event's continuation rows, one by one; one the service refuses becomes a stub.</summary>
    private async Task WritePartsAsync(List<TableEntity> rows, CancellationToken cancellationToken)
    {
        foreach (var part in rows.Skip(1))
        {
            try
            {
                await table.UpsertEntityAsync(part, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (StorageFailure.IsDeterministic(ex))
            {
                await table.UpsertEntityAsync(Stub(part, ex), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static TableTransactionAction Insert(TableEntity row) =>
        new(QuarantineRows.IsContinuation(row) ? TableTransactionActionType.UpsertReplace : TableTransactionActionType.Add, row);

    /// <summary>What is kept of a row the service refused: its kind, position, time, the payload's digest and length, and why.</summary>
    private static TableEntity Stub(TableEntity row, RequestFailedException refusal)
    {
        var stub = new TableEntity(row.PartitionKey, row.RowKey) { ["Unstored"] = StorageFailure.Describe(refusal) };
        foreach (string name in (string[])["Kind", "Hub", "PartitionId", "SequenceNumber", "EnqueuedTime", "QuarantinedAt", "RawSha256", "RawLength", "Part"])
        {
            if (row.TryGetValue(name, out object? value))
            {
                stub[name] = value;
            }
        }

        return stub;
    }

    /// <summary>
    /// Records a replay on the event's row, merged under the row's ETag: every replay joins the row's history (the last
    /// <see cref="QuarantineReplay.HistoryLimit"/>), and the record that stands is replaced only as
    /// <see cref="QuarantineReplay.Supersedes"/> says, so of two replays at once the one that metered the event stays;
    /// <paramref name="reasons"/> (when the replay set it aside again) are then kept as the row's latest reasons when they
    /// differ from its first ones, which stay. Returns the record that stands, the history and the latest reasons this
    /// replay recorded; null when there is no such row.
    /// </summary>
    public async Task<QuarantineReplayRecord?> RecordReplayAsync(string id, QuarantineReplay replay, IReadOnlyList<string>? reasons, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replay);
        if (!QuarantineRows.TryParseId(id, out string pk, out string rk))
        {
            return null;
        }

        for (int attempt = 1; ; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(pk, rk, select: ReplayColumns, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!row.HasValue || row.Value is not { } stored)
            {
                return null;
            }

            var recorded = replay with { By = QuarantineRowLayout.Cut(replay.By, QuarantineRowLayout.MaxIdentityChars)! };
            var standing = QuarantineRows.Replay(stored);
            bool supersedes = recorded.Supersedes(standing);
            string history = QuarantineReplayHistory.Append(QuarantineReplayHistory.Read(stored), recorded);
            var update = new TableEntity(pk, rk) { [QuarantineReplayHistory.Property] = history };
            if (supersedes)
            {
                update["ReplayOutcome"] = recorded.Outcome;
                update["ReplayedAt"] = recorded.At;
                update["ReplayedBy"] = recorded.By;
                if (reasons is not null)
                {
                    QuarantineDelivery.NoteReasons(stored, QuarantineRowLayout.ReasonsText(reasons), recorded.At, update);
                }
            }

            try
            {
                await table.UpdateEntityAsync(update, stored.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                var latest = update.ContainsKey(QuarantineDelivery.LatestReasons) ? reasons : null;
                return new QuarantineReplayRecord(supersedes ? recorded : standing!, QuarantineReplayHistory.Read(update), latest, latest is null ? null : recorded.At);
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < MaxAttempts)
            {
                // Another replay or a redelivery wrote the row since it was read: decide again against what it wrote.
            }
        }
    }
}
