using Billing.Storage.Rollups;

namespace Billing.Storage;

/// <summary>
/// Writes the facts of one partition <c>{payer}|{shard}</c> together with the partition's rollup rows, in the same
/// entity-group transactions (docs/design.md §6): a transaction holds each event's identity and time rows and the
/// rollup rows of their hours, days and months, so a bucket counts exactly the facts that exist. A duplicate fails its
/// transaction (the identity row exists), so it is never counted; it is dropped and the rest goes again
/// (<see cref="WriteChunkAsync"/>). A 412 on a rollup row (or a 409 on one another writer just added) means a
/// concurrent writer: read the rows again and retry.
/// </summary>
internal sealed class FactPartitionWriter(TableClient table, string partitionKey, ConcurrentBag<FactConflict> conflicts, ConcurrentBag<UnstorableFact> unstorable, RollupRowCache? cache = null)
{
    /// <summary>New facts refused for their payer's month limit (<see cref="PendingFact.MonthLimits"/>), with why.</summary>
    public ConcurrentBag<UnstorableFact> OverLimit { get; init; } = [];

    /// <summary>The payer's partitions, which share its month limits equally.</summary>
    public int Shards { get; init; } = 1;

    /// <summary>Operations per entity-group transaction: facts (two rows each) and rollup rows together.</summary>
    public const int MaxOperations = 100;

    /// <summary>Tries of one transaction against concurrent writers of the same rollup rows before the batch fails as transient.</summary>
    private const int MaxAttempts = 8;

    private readonly RollupRows rollups = new(table, partitionKey, cache);

    public async Task<(int Inserted, int Duplicates, int Transactions)> WriteAsync(IReadOnlyList<PendingFact> facts, CancellationToken cancellationToken)
    {
        var sorted = facts.OrderBy(p => p.Fact.Time).ToList(); // neighbours in time share rollup rows
        await rollups.LoadAsync(sorted.SelectMany(p => RollupRows.Keys(p.Fact)), cancellationToken).ConfigureAwait(false);
        int inserted = 0, duplicates = 0, transactions = 0;
        foreach (var chunk in Transactions(sorted))
        {
            await rollups.LoadAsync(chunk.SelectMany(p => RollupRows.Keys(p.Fact)), cancellationToken).ConfigureAwait(false);
            var (i, d, t) = await WriteChunkAsync(chunk, cancellationToken).ConfigureAwait(false);
            inserted += i;
            duplicates += d;
            transactions += t;
        }

        return (inserted, duplicates, transactions);
    }

    /// <summary>
    /// Splits time-ordered facts into transactions of at most <see cref="MaxOperations"/> rows and
    /// <see cref="FactStore.TransactionBudgetBytes"/>, each rollup row counted at its size now plus what the facts add.
    /// </summary>
    private IEnumerable<PendingFact[]> Transactions(IEnumerable<PendingFact> facts)
    {
        var current = new List<PendingFact>();
        var rows = new Dictionary<string, long>(StringComparer.Ordinal); // row key → estimated characters
        long factBytes = 0;
        int markerRows = 0;
        foreach (var p in facts)
        {
            var keys = RollupCodec.Rows(p.Fact.Time);
            int growth = RollupCodec.GrowthChars(p.Fact);
            int added = keys.Count(k => !rows.ContainsKey(k.RowKey));
            long rowBytes = rows.Sum(r => RollupCodec.RowWireBytes(r.Value))
                + keys.Sum(k => RollupCodec.RowWireBytes(rows.GetValueOrDefault(k.RowKey, rollups.Chars(k.RowKey)) + growth) - (rows.TryGetValue(k.RowKey, out var c) ? RollupCodec.RowWireBytes(c) : 0));
            int markers = RollupRows.MarkerRows(p.Fact); // UNIQUE_COUNT marker rows (docs/design.md §6.1)
            if (current.Count > 0 && ((FactRowCodec.RowsPerFact * (current.Count + 1)) + markerRows + markers + rows.Count + added > MaxOperations
                || factBytes + FactStore.WireBytes(p) + (markers * UniqueMarkerCodec.WireBytes) + rowBytes > FactStore.TransactionBudgetBytes))
            {
                yield return [.. current];
                current.Clear();
                rows.Clear();
                factBytes = 0;
                markerRows = 0;
            }

            current.Add(p);
            factBytes += FactStore.WireBytes(p) + (markers * UniqueMarkerCodec.WireBytes);
            markerRows += markers;
            foreach (var k in keys)
            {
                rows[k.RowKey] = rows.GetValueOrDefault(k.RowKey, rollups.Chars(k.RowKey)) + growth;
            }
        }

        if (current.Count > 0)
        {
            yield return [.. current];
        }
    }

    /// <summary>
    /// Writes one chunk in as few transactions as the storage lets it. A 409 names the failing row
    /// (<see cref="TableTransactionFailedException.FailedTransactionActionIndex"/>): when it is a fact's row, that event
    /// is stored already (a redelivery or a resend) and is classified and dropped, and the rest goes again together (a
    /// fact's row there without its identity row was written outside the platform: that event goes alone, and is
    /// quarantined as unstorable naming the row);
    /// otherwise a rollup row moved under another writer and is read again. Partners resend a few events in most batches,
    /// so writing the rest of a chunk event by event on the first duplicate made metering several times slower.
    /// A row the service refuses (400) is named the same way: that event is written alone, and quarantined as unstorable
    /// if refused again, while the rest goes together, so each such event costs two transactions, not its whole chunk.
    /// Only when the storage does not say which row failed does the chunk go one event at a time.
    /// </summary>
    private async Task<(int Inserted, int Duplicates, int Transactions)> WriteChunkAsync(PendingFact[] chunk, CancellationToken cancellationToken)
    {
        var remaining = chunk.ToList();
        int transactions = 0, duplicates = 0, contention = 0, found = 0, insertedAlone = 0;
        while (remaining.Count > 0)
        {
            if (rollups.FirstOverLimit(remaining, Shards) is not null)
            {
                // A stored event (a redelivery) is never refused, nor counted against the limit: drop those, then refuse.
                duplicates += await DropStoredAsync(remaining, cancellationToken).ConfigureAwait(false);
                while (rollups.FirstOverLimit(remaining, Shards) is var (index, reason))
                {
                    OverLimit.Add(new UnstorableFact(remaining[index], reason));
                    remaining.RemoveAt(index);
                }

                if (remaining.Count == 0)
                {
                    break;
                }
            }

            var (failure, staged) = await TrySubmitAsync([.. remaining], cancellationToken).ConfigureAwait(false);
            transactions++;
            if (failure is null)
            {
                return (insertedAlone + remaining.Count, duplicates, transactions);
            }

            if (failure.Status == 409 && FactAt(remaining, failure) is int k
                && await FactStore.ReadIdentityAsync(table, partitionKey, remaining[k], cancellationToken).ConfigureAwait(false) is { } existing)
            {
                duplicates += Classify(remaining[k], existing);
                remaining.RemoveAt(k);
                if (++found == 2)
                {
                    // A second stored event in one chunk: likely a resent batch. Look the rest up at once instead of
                    // failing one transaction per event.
                    duplicates += await DropStoredAsync(remaining, cancellationToken).ConfigureAwait(false);
                }

                continue; // nothing of the failed transaction was written: the rollup rows are as loaded
            }

            if ((StorageFailure.IsDeterministic(failure) || failure.Status == 409) && remaining.Count > 1 && FactAt(remaining, failure) is int refused)
            {
                // Refused, or a fact's row there without its identity row (written outside the platform): nothing of the
                // failed transaction was written; that event goes alone (and is quarantined if refused again), the rest together.
                var (outcome, tries) = await WriteOneAsync(remaining[refused], cancellationToken).ConfigureAwait(false);
                transactions += tries;
                insertedAlone += outcome == Outcome.Inserted ? 1 : 0;
                duplicates += outcome == Outcome.Duplicate ? 1 : 0;
                remaining.RemoveAt(refused);
                continue;
            }

            bool moved = failure.Status is 412 or 404 // 404: a rollup row a rebuild deleted since it was read or cached
                || (failure.Status == 409 && (IsRollupRow(remaining.Count, failure) || await AnyAddedMeanwhileAsync(staged, cancellationToken).ConfigureAwait(false)));
            if (!moved || ++contention == MaxAttempts)
            {
                break; // the service refused a row, or the rows keep changing: one event at a time
            }

            await rollups.ReloadAsync(staged.Select(s => s.RowKey), cancellationToken).ConfigureAwait(false);
        }

        int inserted = insertedAlone;
        foreach (var pending in remaining)
        {
            var (result, tries) = await WriteOneAsync(pending, cancellationToken).ConfigureAwait(false);
            transactions += tries;
            inserted += result == Outcome.Inserted ? 1 : 0;
            duplicates += result == Outcome.Duplicate ? 1 : 0;
        }

        return (inserted, duplicates, transactions);
    }

    /// <summary>1 when <paramref name="pending"/> is a redelivery of the stored row, else records the conflict and returns 0.</summary>
    private int Classify(PendingFact pending, TableEntity stored) => FactStore.IsRedelivery(pending, stored, conflicts) ? 1 : 0;

    /// <summary>Reads the identity rows of <paramref name="chunk"/>, removes the events stored already and returns how many were redeliveries.</summary>
    private async Task<int> DropStoredAsync(List<PendingFact> chunk, CancellationToken cancellationToken)
    {
        var stored = await Task.WhenAll(chunk.Select(p => FactStore.ReadIdentityAsync(table, partitionKey, p, cancellationToken))).ConfigureAwait(false);
        int duplicates = 0;
        for (int k = chunk.Count - 1; k >= 0; k--)
        {
            if (stored[k] is { } row)
            {
                duplicates += Classify(chunk[k], row);
                chunk.RemoveAt(k);
            }
        }

        return duplicates;
    }

    /// <summary>The index in <paramref name="chunk"/> of the fact whose row failed the transaction, or null (a rollup row, or not said).</summary>
    private static int? FactAt(List<PendingFact> chunk, RequestFailedException failure) =>
        failure is TableTransactionFailedException { FailedTransactionActionIndex: int index } && index < chunk.Count * FactRowCodec.RowsPerFact
            ? index / FactRowCodec.RowsPerFact
            : null;

    /// <summary>True when the failing action of a transaction of <paramref name="facts"/> facts is one of its rollup rows (they follow the facts' rows).</summary>
    private static bool IsRollupRow(int facts, RequestFailedException failure) =>
        failure is TableTransactionFailedException { FailedTransactionActionIndex: int index } && index >= facts * FactRowCodec.RowsPerFact;

    /// <summary>One event's rows and rollup rows in their own transaction (each event's rows still go together).</summary>
    private async Task<(Outcome Outcome, int Transactions)> WriteOneAsync(PendingFact pending, CancellationToken cancellationToken)
    {
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            await rollups.LoadAsync(RollupRows.Keys(pending.Fact), cancellationToken).ConfigureAwait(false);
            if (rollups.FirstOverLimit([pending], Shards) is var (_, reason))
            {
                if (await FactStore.ReadIdentityAsync(table, partitionKey, pending, cancellationToken).ConfigureAwait(false) is { } stored)
                {
                    return (Classify(pending, stored) == 1 ? Outcome.Duplicate : Outcome.Conflict, attempt);
                }

                OverLimit.Add(new UnstorableFact(pending, reason));
                return (Outcome.Refused, attempt);
            }

            var (failure, staged) = await TrySubmitAsync([pending], cancellationToken).ConfigureAwait(false);
            if (failure is null)
            {
                return (Outcome.Inserted, attempt);
            }

            if (failure.Status == 409)
            {
                var existing = await FactStore.ReadIdentityAsync(table, partitionKey, pending, cancellationToken).ConfigureAwait(false);
                if (existing is { } row)
                {
                    return (Classify(pending, row) == 1 ? Outcome.Duplicate : Outcome.Conflict, attempt);
                }

                if (failure is TableTransactionFailedException { FailedTransactionActionIndex: FactRowCodec.RowsPerFact - 1 })
                {
                    // Its time row is there without its identity row: the platform writes both in one transaction, so this
                    // row was written outside it, and every try would fail the same way. Deterministic for this event only.
                    unstorable.Add(new UnstorableFact(pending, WithoutIdentity(pending.Fact)));
                    return (Outcome.Unstorable, attempt);
                }
            }
            else if (failure.Status is not (412 or 404))
            {
                unstorable.Add(new UnstorableFact(pending, StorageFailure.Describe(failure)));
                return (Outcome.Unstorable, attempt);
            }

            // 412, a 404 on a rollup row, or another 409 (a rollup row, not said): a rollup row moved under another writer.
            await rollups.ReloadAsync(staged.Select(s => s.RowKey), cancellationToken).ConfigureAwait(false);
        }

        throw new RequestFailedException(503, $"the rollup rows of partition '{partitionKey}' kept changing under concurrent writers; retry the batch");
    }

    /// <summary>The quarantine reason of an event whose time row storage holds without its identity row.</summary>
    private static string WithoutIdentity(UsageFact fact) =>
        $"storage holds this event's time row '{FactStore.TimeRowKey(fact.Time, fact.Source, fact.Id)}' without its identity row " +
        $"'{FactStore.IdentityRowKey(fact.Source, fact.Id)}': written outside the platform, which writes both in one transaction; " +
        "the event was not stored. Remove that row (or restore its identity row), then replay the event";

    /// <summary>Submits the facts' rows and their staged rollup rows; null on success, else the 409/412/deterministic failure (others throw).</summary>
    private async Task<(RequestFailedException? Failure, List<RollupRows.Staged> Staged)> TrySubmitAsync(PendingFact[] chunk, CancellationToken cancellationToken)
    {
        var staged = rollups.Stage(chunk.Select(p => p.Fact));
        var actions = new List<TableTransactionAction>((chunk.Length * FactRowCodec.RowsPerFact) + staged.Count);
        foreach (var pending in chunk)
        {
            FactRowCodec.AddRows(actions, partitionKey, pending);
        }

        actions.AddRange(staged.Select(s => s.Action));
        try
        {
            var responses = await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            rollups.Commit(staged, responses.Value.Skip(actions.Count - staged.Count).Select(r => r.Headers.ETag));
            return (null, staged);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 || StorageFailure.IsDeterministic(ex)
            || (ex.Status == 404 && IsRollupRow(chunk.Length, ex))) // any other 404 (a missing table) stays transient
        {
            return (ex, staged);
        }
    }

    /// <summary>After a 409: true when a rollup row this transaction meant to add now exists (another writer added it).</summary>
    private async Task<bool> AnyAddedMeanwhileAsync(List<RollupRows.Staged> staged, CancellationToken cancellationToken)
    {
        foreach (var s in staged.Where(s => s.IsAdd))
        {
            var e = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, s.RowKey, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false);
            if (e.HasValue)
            {
                return true;
            }
        }

        return false;
    }

    private enum Outcome
    {
        Inserted,
        Duplicate,
        Conflict,
        Unstorable,
        Refused,
    }
}
