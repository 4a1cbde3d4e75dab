namespace Billing.Storage;

/// <summary>The partner registry's audit reads: pages by partner or time, the partners with a trail, one partner's whole trail.</summary>
public sealed partial class PartnerStore
{
    /// <summary>
    /// The partner's audit head (last hash, entry count); both null when it has no row or no chain. Only those two columns
    /// are read, so a value elsewhere in the row that the registry cannot parse (which <see cref="GetAsync"/> throws on)
    /// does not stop whoever needs just the head.
    /// </summary>
    public async Task<(string? Head, long? Count)> AuditHeadAsync(string partnerId, CancellationToken cancellationToken)
    {
        var row = await table.FindAsync(PartnerRows.PartnerPartition, TableKey.Escape(partnerId), PartnerRows.AuditHeadColumns, cancellationToken).ConfigureAwait(false);
        return row is not null ? PartnerRows.AuditHead(row) : (null, null);
    }

    /// <summary>
    /// Every partner's audit head, read from those two columns only (as <see cref="AuditHeadAsync"/>), so a row the
    /// registry cannot parse elsewhere is still listed; a head of the wrong type reads as unset. Rows under keys no partner
    /// id escapes to are left out (partners verify reports them).
    /// </summary>
    public async Task<IReadOnlyList<PartnerAuditHead>> ListAuditHeadsAsync(CancellationToken cancellationToken)
    {
        var heads = new List<PartnerAuditHead>();
        string[] columns = ["RowKey", .. PartnerRows.AuditHeadColumns];
        await foreach (var e in table.QueryAsync<TableEntity>(PartnerRowsFilter, select: columns, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (IdOf(e.RowKey) is { } id)
            {
                var (head, count) = PartnerRows.AuditHead(e);
                heads.Add(new PartnerAuditHead(id, head, count));
            }
        }

        return heads;
    }

    /// <summary>Audit entries of one partner, oldest first, after the cursor <paramref name="after"/> (an entry id).</summary>
    public Task<PartnerAuditPage> AuditOfPartnerAsync(string partnerId, string? after, int limit, CancellationToken cancellationToken)
    {
        string prefix = PartnerRows.AuditByPartner(partnerId);
        return AuditPageAsync(after is null ? prefix : prefix + after, after is not null, TableKey.After(prefix), limit, cancellationToken);
    }

    /// <summary>
    /// Whether <paramref name="partnerId"/> has an audit entry: a partner the platform made or seeded has one (its
    /// <c>create</c> or <c>seed</c>), which outlives its row if the row is removed outside the platform. One key read.
    /// </summary>
    public async Task<bool> HasAuditTrailAsync(string partnerId, CancellationToken cancellationToken)
    {
        string prefix = PartnerRows.AuditByPartner(partnerId);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartnerRows.PartnerPartition} and RowKey ge {prefix} and RowKey lt {TableKey.After(prefix)}");
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        return false;
    }

    /// <summary>Audit entries of every partner made in [<paramref name="from"/>, <paramref name="to"/>), oldest first, after the cursor.</summary>
    public Task<PartnerAuditPage> AuditAsync(DateTimeOffset from, DateTimeOffset to, string? after, int limit, CancellationToken cancellationToken)
    {
        string lower = PartnerRows.AuditByTime + from.UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
        string upper = PartnerRows.AuditByTime + to.UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
        bool resume = after is not null && string.CompareOrdinal(PartnerRows.AuditByTime + after, lower) >= 0;
        return AuditPageAsync(resume ? PartnerRows.AuditByTime + after : lower, resume, upper, limit, cancellationToken);
    }

    /// <summary>
    /// The ids of every partner with a row or an audit trail: a trail whose partner row was deleted is listed too, so
    /// verification can report it. A key that is no escaped id is set apart, never the reason the listing fails.
    /// </summary>
    public async Task<PartnerAuditSubjects> AuditSubjectsAsync(CancellationToken cancellationToken)
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        var foreign = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string filter in new[] { "PartitionKey eq 'p' and RowKey lt '|'", "PartitionKey eq 'p' and RowKey ge '}'" })
        {
            await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (IdOf(e.RowKey) is { } id)
                {
                    ids.Add(id);
                }
                else
                {
                    foreign.Add(e.RowKey);
                }
            }
        }

        const string prefix = "|a|p|";
        string byPartner = TableClient.CreateQueryFilter($"PartitionKey eq {PartnerRows.PartnerPartition} and RowKey ge {prefix} and RowKey lt {TableKey.After(prefix)}");
        await foreach (var e in table.QueryAsync<TableEntity>(byPartner, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            int end = e.RowKey.LastIndexOf(TableKey.Separator);
            if (end > prefix.Length)
            {
                if (IdOf(e.RowKey[prefix.Length..end]) is { } id)
                {
                    ids.Add(id);
                }
                else
                {
                    foreign.Add(e.RowKey);
                }
            }
        }

        return new PartnerAuditSubjects([.. ids], [.. foreign]);
    }

    /// <summary>The partner id <paramref name="key"/> is the escape of; null when it is no id's (every lookup by id would miss it).</summary>
    private static string? IdOf(string key) => TableKey.TryUnescape(key, out string id) && TableKey.Escape(id) == key ? id : null;

    /// <summary>
    /// One partner's row, audit entries and their by-time copies, read again when the row changed meanwhile (so a change
    /// landing during the read is not mistaken for tampering); null when the partner has neither row nor entries. When the
    /// row changed during every one of the reads, the last is returned marked <see cref="PartnerAuditTrail.ChangedWhileRead"/>:
    /// it may be torn, so it is nothing to verify.
    /// </summary>
    public async Task<PartnerAuditTrail?> AuditTrailAsync(string partnerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partnerId);
        for (int attempt = 1; ; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(PartnerRows.PartnerPartition, TableKey.Escape(partnerId), cancellationToken: cancellationToken).ConfigureAwait(false);
            var entries = new List<PartnerAuditEntry>();
            string prefix = PartnerRows.AuditByPartner(partnerId);
            string filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartnerRows.PartnerPartition} and RowKey ge {prefix} and RowKey lt {TableKey.After(prefix)}");
            await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                entries.Add(PartnerRows.ToAuditEntry(e));
            }

            var copies = new List<PartnerAuditEntry?>();
            foreach (var entry in entries)
            {
                // The id is read from the row: a planted one may name a key no table holds, which storage would refuse (400).
                var copy = entry.Id.Length == 0 ? null
                    : await table.FindAsync(PartnerRows.PartnerPartition, PartnerRows.AuditByTime + entry.Id, null, cancellationToken).ConfigureAwait(false);
                copies.Add(copy is not null ? PartnerRows.ToAuditEntry(copy) : null);
            }

            var again = await table.GetEntityIfExistsAsync<TableEntity>(PartnerRows.PartnerPartition, TableKey.Escape(partnerId), select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false);
            if ((row.HasValue ? row.Value!.ETag : default) != (again.HasValue ? again.Value!.ETag : default))
            {
                if (attempt < MaxAttempts)
                {
                    continue;
                }

                return new PartnerAuditTrail(partnerId, null, null, entries, copies, attempt);
            }

            if (!row.HasValue && entries.Count == 0)
            {
                return null;
            }

            if (!row.HasValue)
            {
                return new PartnerAuditTrail(partnerId, null, null, entries, copies);
            }

            try
            {
                return new PartnerAuditTrail(partnerId, PartnerRows.ToRecord(row.Value!), null, entries, copies);
            }
            catch (InvalidDataException ex)
            {
                return new PartnerAuditTrail(partnerId, null, ex.Message, entries, copies); // a finding, not a failed verification
            }
        }
    }

    private async Task<PartnerAuditPage> AuditPageAsync(string lower, bool exclusive, string upper, int limit, CancellationToken cancellationToken)
    {
        string filter = exclusive
            ? TableClient.CreateQueryFilter($"PartitionKey eq {PartnerRows.PartnerPartition} and RowKey gt {lower} and RowKey lt {upper}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {PartnerRows.PartnerPartition} and RowKey ge {lower} and RowKey lt {upper}");
        var entries = new List<PartnerAuditEntry>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(limit + 1, 1000), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (entries.Count == limit)
            {
                return new PartnerAuditPage(entries, entries[^1].Id);
            }

            entries.Add(PartnerRows.ToAuditEntry(e));
        }

        return new PartnerAuditPage(entries, null);
    }
}
