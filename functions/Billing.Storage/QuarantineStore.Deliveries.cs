namespace Billing.Storage;

/// <summary>A stored event set aside again: it counts itself on the row and restores payload rows the row lacks, never rewriting what was seen first.</summary>
public sealed partial class QuarantineStore
{
    /// <summary>
    /// Records <paramref name="rows"/> (what this delivery would have stored) as one more delivery of the stored event,
    /// merged under the row's ETag: of two hosts setting the event aside at once, the one that finds the row changed reads
    /// it again, so no delivery goes uncounted and nothing seen first is rewritten. A stored stub (no payload kept) gains
    /// this delivery's payload. Still contended after <see cref="MaxAttempts"/>: the conflict propagates as transient.
    /// </summary>
    private async Task RecordDeliveryAsync(List<TableEntity> rows, CancellationToken cancellationToken)
    {
        var incoming = rows[0];
        bool fill = QuarantineRows.Integer(incoming, "RawChunks") is not null;
        for (int attempt = 1; ; attempt++)
        {
            var read = await table.GetEntityIfExistsAsync<TableEntity>(incoming.PartitionKey, incoming.RowKey, select: QuarantineDelivery.ReadColumns, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!read.HasValue || read.Value is not { } stored)
            {
                return; // rows are never deleted; one removed by hand is not brought back by a redelivery
            }

            var update = QuarantineDelivery.Update(stored, incoming);
            if (await RestorePartsAsync(stored, rows, cancellationToken).ConfigureAwait(false) is { } grown)
            {
                update["Rows"] = grown;
            }

            bool fills = fill && QuarantineRows.Integer(stored, "RawChunks") is null && EntityText.Of(stored, "Raw") is null;
            if (fills)
            {
                await WritePartsAsync(rows, cancellationToken).ConfigureAwait(false);
                foreach (var (name, value) in incoming.Where(p => !FirstSeenColumns.Contains(p.Key)))
                {
                    update[name] = value;
                }

                // A stub keeps no reasons, source or event id: the filling delivery's are the first known, not latest ones.
                foreach (string name in QuarantineDelivery.StubLacks)
                {
                    if (!(stored.TryGetValue(name, out object? kept) && kept is not null) && incoming.TryGetValue(name, out object? value) && value is not null)
                    {
                        update[name] = value;
                        if (name == "Reasons")
                        {
                            update.Remove(QuarantineDelivery.LatestReasons);
                            update.Remove(QuarantineDelivery.LatestReasonsAt);
                        }
                    }
                }
            }

            try
            {
                await table.UpdateEntityAsync(update, stored.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < MaxAttempts)
            {
                // Another delivery or a replay wrote the row since it was read: count again against what it wrote.
            }
            catch (RequestFailedException ex) when (StorageFailure.IsDeterministic(ex) && fills)
            {
                fill = false; // the payload still does not fit: count the delivery on the stub
            }
            catch (RequestFailedException ex) when (StorageFailure.IsDeterministic(ex))
            {
                return; // the row as first stored stands; a planted row the service refuses to grow must not block the batch
            }
        }
    }

    /// <summary>
    /// Writes the payload chunks a stored main row names but none of the event's rows hold, from this delivery when it
    /// carries the same payload: the code before redeliveries were counted stored the main row in its first transaction, so
    /// a failure before the next one left it without its continuation rows, and now a redelivery rewrites nothing else.
    /// Costs a keys-only query, and only for a main row that says its payload spans rows. What is stored stays; returns the
    /// main row's new row count when the restored chunks needed rows beyond it (null: unchanged).
    /// </summary>
    private async Task<int?> RestorePartsAsync(TableEntity stored, List<TableEntity> rows, CancellationToken cancellationToken)
    {
        var incoming = rows[0];
        if (QuarantineRows.Integer(stored, "Rows") is not { } count || count <= 1 || QuarantineRows.Integer(incoming, "RawChunks") is null
            || EntityText.Of(stored, "RawSha256") is not { } sha || sha != EntityText.Of(incoming, "RawSha256"))
        {
            return null; // the payload is on the main row, or this delivery carries none or another one (a planted row)
        }

        // The event's continuation rows ({rk}-1, …): '.' follows '-', so this range holds exactly those.
        string parts = TableClient.CreateQueryFilter($"PartitionKey eq {incoming.PartitionKey} and RowKey gt {incoming.RowKey + "-"} and RowKey lt {incoming.RowKey + "."}");
        var held = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var e in table.QueryAsync<TableEntity>(parts, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            held.Add(e.RowKey);
        }

        if (held.Count == count - 1 && Enumerable.Range(1, (int)Math.Min(count - 1, QuarantineRowLayout.MaxRows)).All(i => held.Contains(QuarantineRowLayout.ContinuationKey(incoming.RowKey, i))))
        {
            return null;
        }

        // Rare: read the event's rows whole to see which chunks they hold.
        string all = TableClient.CreateQueryFilter($"PartitionKey eq {incoming.PartitionKey} and RowKey ge {incoming.RowKey} and RowKey lt {incoming.RowKey + "."}");
        var eventRows = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(all, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            eventRows.Add(e);
        }

        if (QuarantineRowLayout.Restoring(eventRows, rows) is not { } restoring)
        {
            return null;
        }

        foreach (var part in restoring)
        {
            try
            {
                await table.AddEntityAsync(part, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 409 || StorageFailure.IsDeterministic(ex))
            {
                // Written meanwhile by another delivery restoring it, or refused: the row stands as it is.
            }
        }

        long needed = eventRows.Concat(restoring).Select(r => QuarantineRows.Integer(r, "Part") ?? 0).Max() + 1;
        return needed > count && needed <= int.MaxValue ? (int)needed : null; // an Int32, as the layout writes it
    }
}
