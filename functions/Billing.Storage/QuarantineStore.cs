namespace Billing.Storage;

/// <summary>
/// Bad events from the Event Hubs path, never dropped. The row key is a hash of (hub, kind, raw), so a redelivered
/// batch writes the same rows instead of piling up copies; an event's main row is merged, never replaced, so what only
/// replays write there (the replay record and history, <see cref="RecordReplayAsync"/>) survives the event being set aside
/// again. Partitioned by source for per-partner listing.
/// <para>Raw payloads are kept whole, byte for byte: split into <c>Raw0</c>, <c>Raw1</c>, … (and <c>ExistingRaw0</c>, …
/// for a conflict's first version) of at most <see cref="ChunkChars"/> characters, as many on a row as fit
/// <see cref="RowBudgetBytes"/>, further ones on continuation rows <c>{rowKey}-1</c>, <c>{rowKey}-2</c>, … so no entity passes 1 MiB.
/// Writes are entity-group transactions of at most 100 rows and an estimated 3 MiB on the wire.</para>
/// </summary>
public sealed class QuarantineStore(BillingTables tables)
{
    public const int ChunkChars = 30_000;

    /// <summary>What one row may hold, estimated as in <see cref="QuarantineRowLayout.WireBytes"/>: under the 1 MiB entity limit however it is measured.</summary>
    public const long RowBudgetBytes = 960 * 1024;

    /// <summary>The most a row's replay history (<see cref="QuarantineReplay.HistoryLimit"/> replays) may take of its one property (Table Storage: 32 Ki characters).</summary>
    public const int MaxReplayHistoryChars = 30_000;

    private const long TransactionBudgetBytes = 3 * 1024 * 1024;
    private const int RowsPerTransaction = 100;

    private static readonly string[] ReplayColumns = ["ReplayOutcome", "ReplayedAt", "ReplayedBy", QuarantineReplayHistory.Property];

    private readonly TableClient table = tables.Quarantine;

    public static string RowKeyFor(QuarantinedEvent e) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{e.Hub}\u001f{e.Kind}\u001f{e.Raw}")));

    /// <summary>The partition of a source's quarantined events (a digest when the escaped source is too long for a key).</summary>
    public static string PartitionKeyFor(string? source) => TableKey.Part(source ?? "_unknown", FactStore.MaxPartitionPartChars);

    /// <summary>Whether <paramref name="text"/> is an id of <see cref="QuarantineEntry"/> (a well-formed one; the event may not exist).</summary>
    public static bool IsId(string text) => QuarantineRows.TryParseId(text, out _, out _);

    /// <summary>Whether the event <paramref name="id"/> names is stored under <paramref name="source"/> (the partition of its source).</summary>
    public static bool IsOfSource(string id, string source) => QuarantineRows.TryParseId(id, out string pk, out _) && pk == PartitionKeyFor(source);

    public async Task AddAsync(IEnumerable<QuarantinedEvent> events, CancellationToken cancellationToken)
    {
        foreach (var group in events.GroupBy(e => PartitionKeyFor(e.Source)))
        {
            var batch = new List<TableEntity>();
            long bytes = 0;
            foreach (var row in group.DistinctBy(RowKeyFor).SelectMany(e => QuarantineRowLayout.Rows(group.Key, e)))
            {
                long size = QuarantineRowLayout.WireBytes(row);
                if (batch.Count > 0 && (batch.Count == RowsPerTransaction || bytes + size > TransactionBudgetBytes))
                {
                    await SubmitAsync(batch, cancellationToken).ConfigureAwait(false);
                    batch.Clear();
                    bytes = 0;
                }

                batch.Add(row);
                bytes += size;
            }

            if (batch.Count > 0)
            {
                await SubmitAsync(batch, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// One transaction; when the service refuses it deterministically, row by row, and a row it still refuses is replaced by
    /// a small row that says so (kind, hash and length of the raw payload, the service's reason), so no event blocks the
    /// batch forever. Transient errors propagate: the invocation fails and is retried.
    /// </summary>
    private async Task SubmitAsync(List<TableEntity> rows, CancellationToken cancellationToken)
    {
        try
        {
            await table.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(
                QuarantineRows.IsContinuation(r) ? TableTransactionActionType.UpsertReplace : TableTransactionActionType.UpsertMerge, r)).ToList(), cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (RequestFailedException ex) when (StorageFailure.IsDeterministic(ex))
        {
        }

        foreach (var row in rows)
        {
            try
            {
                await table.UpsertEntityAsync(row, QuarantineRows.IsContinuation(row) ? TableUpdateMode.Replace : TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (StorageFailure.IsDeterministic(ex))
            {
                var stub = new TableEntity(row.PartitionKey, row.RowKey) { ["Unstored"] = StorageFailure.Describe(ex) };
                foreach (string name in (string[])["Kind", "Hub", "PartitionId", "SequenceNumber", "EnqueuedTime", "QuarantinedAt", "RawSha256", "RawLength", "Part"])
                {
                    if (row.TryGetValue(name, out object? value))
                    {
                        stub[name] = value;
                    }
                }

                if (QuarantineRows.IsContinuation(stub))
                {
                    await table.UpsertEntityAsync(stub, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await ReplaceKeepingReplaysAsync(stub, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// Replaces an event's main row with <paramref name="row"/>, carrying over the replay record and history the stored row
    /// has: ETag-guarded, so a replay recorded meanwhile is read again rather than lost.
    /// </summary>
    private async Task ReplaceKeepingReplaysAsync(TableEntity row, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            var stored = await table.GetEntityIfExistsAsync<TableEntity>(row.PartitionKey, row.RowKey, select: ReplayColumns, cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                if (!stored.HasValue || stored.Value is not { } current)
                {
                    await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
                    return;
                }

                foreach (string name in ReplayColumns)
                {
                    if (current.TryGetValue(name, out object? value) && value is not null)
                    {
                        row[name] = value;
                    }
                }

                await table.UpdateEntityAsync(row, current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when ((ex.Status is 409 or 412) && attempt < 8)
            {
                // Written since it was read (a replay, or another delivery of the event): read it again.
            }
        }
    }

    /// <summary>Every quarantined event of a source (<c>null</c>: of all), payloads and all: for tests and tools, not for the API (see <see cref="PageAsync"/>).</summary>
    public async Task<IReadOnlyList<QuarantinedEvent>> ListAsync(string? source, CancellationToken cancellationToken)
    {
        string? filter = source is null ? null : TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKeyFor(source)}");
        var mains = new List<TableEntity>();
        var parts = new Dictionary<(string, string), TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (QuarantineRows.IsContinuation(e))
            {
                parts[(e.PartitionKey, e.RowKey)] = e;
            }
            else
            {
                mains.Add(e);
            }
        }

        return mains.Select(m => FromEntity(Rows(m, parts))).ToList();
    }

    /// <summary>
    /// A page of quarantined events without their payloads, in table order (by source, then by id: not by time), after
    /// the cursor <paramref name="after"/> (an entry id). Reads only the columns a list shows, so a page of 63 KiB events
    /// costs what a page of small ones does.
    /// </summary>
    public async Task<QuarantinePage> PageAsync(QuarantineFilter filter, string? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var clauses = new List<string>();
        if (filter.Source is { } source)
        {
            clauses.Add(TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKeyFor(source)}"));
        }

        if (QuarantineRows.TryParseId(after, out string pk, out string rk))
        {
            clauses.Add(TableClient.CreateQueryFilter($"(PartitionKey gt {pk} or (PartitionKey eq {pk} and RowKey gt {rk}))"));
        }

        if (filter.Kind is { } kind)
        {
            clauses.Add(TableClient.CreateQueryFilter($"Kind eq {kind.ToString()}"));
        }

        if (filter.From is { } from)
        {
            clauses.Add(TableClient.CreateQueryFilter($"QuarantinedAt ge {from}"));
        }

        if (filter.To is { } to)
        {
            clauses.Add(TableClient.CreateQueryFilter($"QuarantinedAt lt {to}"));
        }

        if (filter.Replayed == true)
        {
            clauses.Add("ReplayOutcome ge ''"); // only rows with a replay record: a comparison with an absent property is false
        }

        var entries = new List<QuarantineEntry>();
        string? query = clauses.Count == 0 ? null : string.Join(" and ", clauses);
        await foreach (var e in table.QueryAsync<TableEntity>(query, maxPerPage: Math.Min(limit + 1, 1000), select: QuarantineRows.ListColumns, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            // Replayed is decided on the entry as it reads (a record whose parts all read), in table order like the cursor:
            // a page after the last entry of the previous one neither skips nor repeats an event.
            if (!QuarantineRows.IsContinuation(e) && (filter.Replayed is not { } replayed || replayed == (QuarantineRows.Replay(e) is not null)))
            {
                entries.Add(QuarantineRows.Entry(e));
                if (entries.Count > limit)
                {
                    entries.RemoveAt(limit);
                    return new QuarantinePage(entries, entries[^1].Id);
                }
            }
        }

        return new QuarantinePage(entries, null);
    }

    /// <summary>The event an id names with its payloads; null when there is none (or the text is no id).</summary>
    public async Task<QuarantineDetail?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!QuarantineRows.TryParseId(id, out string pk, out string rk))
        {
            return null;
        }

        // The event's row and its continuation rows ({rk}-1, …): '.' follows '-', so this range holds exactly those.
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {rk} and RowKey lt {rk + "."}");
        TableEntity? main = null;
        var parts = new Dictionary<(string, string), TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (e.RowKey == rk)
            {
                main = e;
            }
            else
            {
                parts[(e.PartitionKey, e.RowKey)] = e;
            }
        }

        if (main is null)
        {
            return null;
        }

        var rows = Rows(main, parts);
        return new QuarantineDetail(QuarantineRows.Entry(main, replays: true), QuarantineRows.Payload(rows, "Raw"), QuarantineRows.Payload(rows, "ExistingRaw"));
    }

    /// <summary>
    /// Records a replay on the event's row, merged under the row's ETag: every replay joins the row's history (the last
    /// <see cref="QuarantineReplay.HistoryLimit"/>), and the record that stands is replaced only as
    /// <see cref="QuarantineReplay.Supersedes"/> says, so of two replays at once the one that metered the event stays;
    /// <paramref name="reasons"/> (when the replay set it aside again) then replace the row's. Returns the record that
    /// stands and the history; null when there is no such row.
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
                    update["Reasons"] = QuarantineRowLayout.Cut(string.Join('\n', reasons), QuarantineRowLayout.MaxTextChars);
                }
            }

            try
            {
                await table.UpdateEntityAsync(update, stored.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return new QuarantineReplayRecord(supersedes ? recorded : standing!, QuarantineReplayHistory.Read(update));
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < 8)
            {
                // Another replay wrote the row since it was read: decide again against what it wrote.
            }
        }
    }

    /// <summary>The event's row and whichever of its continuation rows were read, in order.</summary>
    private static List<TableEntity> Rows(TableEntity main, Dictionary<(string, string), TableEntity> parts)
    {
        var rows = new List<TableEntity> { main };
        long count = QuarantineRows.Integer(main, "Rows") ?? 1;
        for (int row = 1; row < count && row < 1_000; row++)
        {
            if (parts.TryGetValue((main.PartitionKey, QuarantineRowLayout.ContinuationKey(main.RowKey, row)), out var part))
            {
                rows.Add(part);
            }
        }

        return rows;
    }

    private static QuarantinedEvent FromEntity(List<TableEntity> rows)
    {
        var entry = QuarantineRows.Entry(rows[0]);
        return new QuarantinedEvent(
            entry.Kind ?? QuarantineKind.Invalid,
            QuarantineRows.Payload(rows, "Raw") ?? "",
            entry.Reasons,
            entry.Source,
            entry.EventId,
            entry.Hub,
            entry.PartitionId,
            entry.SequenceNumber,
            entry.EnqueuedTime,
            entry.QuarantinedAt ?? default,
            QuarantineRows.Payload(rows, "ExistingRaw"));
    }
}
