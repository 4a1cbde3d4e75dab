namespace Billing.Storage;

/// <summary>Reading quarantined events: every one of a source, a filtered page, one with its payloads.</summary>
public sealed partial class QuarantineStore
{
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
    /// The most rows one page reads. A filter decided on the row as it is read (<c>replayed=false</c>: Table Storage cannot
    /// select on an absent property) would otherwise read every row it leaves out before its page fills: after an incident
    /// whose events were all replayed, the whole quarantine for one page of those that were not.
    /// </summary>
    internal int ScanBudget { get; init; } = 10_000;

    /// <summary>
    /// A page of quarantined events without their payloads, in table order (by source, then by id: not by time), after
    /// the cursor <paramref name="after"/> (an entry id). Reads only the columns a list shows, so a page of 63 KiB events
    /// costs what a page of small ones does. A page that reached <see cref="ScanBudget"/> holds fewer than
    /// <paramref name="limit"/> events (maybe none) and still a cursor: only a page without one is the last.
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
        int read = 0;
        string? lastEvent = null;
        await foreach (var e in table.QueryAsync<TableEntity>(query, maxPerPage: Math.Min(limit + 1, 1000), select: QuarantineRows.ListColumns, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            read++;
            if (!QuarantineRows.IsContinuation(e))
            {
                lastEvent = QuarantineRows.Id(e.PartitionKey, e.RowKey);

                // Replayed is decided on the entry as it reads (a record whose parts all read), in table order like the cursor:
                // a page after the last entry of the previous one neither skips nor repeats an event.
                if (filter.Replayed is not { } replayed || replayed == (QuarantineRows.Replay(e) is not null))
                {
                    entries.Add(QuarantineRows.Entry(e));
                    if (entries.Count > limit)
                    {
                        entries.RemoveAt(limit);
                        return new QuarantinePage(entries, entries[^1].Id);
                    }
                }
            }

            // A page ends after its budget with what it found (maybe nothing) and the last event it read as the cursor: rows
            // the filter left out cost the next page, not this one. Only an id the cursor can parse ends a page here.
            if (read >= ScanBudget && QuarantineRows.TryParseId(lastEvent, out _, out _))
            {
                return new QuarantinePage(entries, lastEvent);
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

    /// <summary>The event's row and whichever of its continuation rows were read, in order.</summary>
    private static List<TableEntity> Rows(TableEntity main, Dictionary<(string, string), TableEntity> parts)
    {
        var rows = new List<TableEntity> { main };
        long count = QuarantineRows.Integer(main, "Rows") ?? 1;
        for (int row = 1; row < count && row < QuarantineRowLayout.MaxRows; row++)
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
