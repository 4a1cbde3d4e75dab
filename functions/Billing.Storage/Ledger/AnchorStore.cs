namespace Billing.Storage.Ledger;

/// <summary>
/// Merkle-root anchors of ledger books in table <c>{prefix}anchors</c>: PK = escaped book, RK = (2^63-1 − toSeq) as 19
/// digits, so the newest anchor is the first row of the partition (<see cref="GetLastAsync"/> reads one row).
/// </summary>
public sealed class AnchorStore
{
    public const string TableName = "anchors";

    private readonly TableClient table;

    public AnchorStore(BillingTables tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        table = tables.Table(TableName);
    }

    public TableClient Table => table;

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken) =>
        await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);

    public static string RowKey(long toSeq) => (long.MaxValue - toSeq).ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>The anchor with the highest <see cref="LedgerAnchor.ToSeq"/>, or null when the book has none.</summary>
    public async Task<LedgerAnchor?> GetLastAsync(string book, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {LedgerStore.PartitionKey(book)}");
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1, cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
        {
            if (page.Values.Count > 0)
            {
                return FromEntity(page.Values[0]);
            }
        }

        return null;
    }

    /// <summary>Stores a new anchor; if one already ends at the same sequence, returns that one and <c>Created = false</c>.</summary>
    public async Task<(LedgerAnchor Anchor, bool Created)> AddAsync(LedgerAnchor anchor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        return await table.TryAddAsync(ToEntity(anchor), cancellationToken).ConfigureAwait(false)
            ? (anchor, true)
            : (await GetAsync(anchor.Book, anchor.ToSeq, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The anchor row vanished after a conflict."), false);
    }

    /// <summary>Replaces a stored anchor (e.g. pending → confirmed with signature and slot); throws when it does not exist.</summary>
    public async Task UpdateAsync(LedgerAnchor anchor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        await table.UpdateEntityAsync(ToEntity(anchor), ETag.All, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async Task<LedgerAnchor?> GetAsync(string book, long toSeq, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(LedgerStore.PartitionKey(book), RowKey(toSeq), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    /// <summary>All anchors of a book, by ascending <see cref="LedgerAnchor.ToSeq"/>.</summary>
    public async Task<IReadOnlyList<LedgerAnchor>> ListAsync(string book, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {LedgerStore.PartitionKey(book)}");
        var list = new List<LedgerAnchor>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(FromEntity(row));
        }

        list.Reverse();
        return list;
    }

    private static TableEntity ToEntity(LedgerAnchor a) => new(LedgerStore.PartitionKey(a.Book), RowKey(a.ToSeq))
    {
        ["Book"] = a.Book,
        ["FromSeq"] = a.FromSeq,
        ["ToSeq"] = a.ToSeq,
        ["RootHex"] = a.RootHex,
        ["Signature"] = a.Signature,
        ["Slot"] = a.Slot is { } slot ? checked((long)slot) : null,
        ["CreatedAt"] = a.CreatedAt,
        ["Status"] = a.Status.ToString(),
        ["Ledger"] = a.Ledger,
        ["PreviousRootHex"] = a.PreviousRootHex,
    };

    private static LedgerAnchor FromEntity(TableEntity row) =>
        new(row.GetString("Book") ?? TableKey.Unescape(row.PartitionKey), row.GetInt64("FromSeq") ?? 0, row.GetInt64("ToSeq") ?? 0,
            row.GetString("RootHex") ?? "", row.GetDateTimeOffset("CreatedAt") ?? default)
        {
            Signature = row.GetString("Signature"),
            Slot = row.GetInt64("Slot") is { } slot ? checked((ulong)slot) : null,
            Status = Enum.TryParse(row.GetString("Status"), ignoreCase: false, out AnchorStatus status) ? status : AnchorStatus.Pending,
            Ledger = row.GetString("Ledger") ?? "billing",
            PreviousRootHex = row.GetString("PreviousRootHex") ?? AnchorMemo.NoPreviousRoot,
        };

    /// <summary>Deletes the row of the anchor ending at <paramref name="toSeq"/> if it exists (a stale or forged pending hint).</summary>
    public async Task DeleteAsync(string book, long toSeq, CancellationToken cancellationToken) =>
        await table.DeleteEntityAsync(LedgerStore.PartitionKey(book), RowKey(toSeq), ETag.All, cancellationToken).ConfigureAwait(false);

    /// <summary>Writes <paramref name="anchor"/> whether or not a row for its range exists (a cache of what the chain says).</summary>
    public async Task UpsertAsync(LedgerAnchor anchor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        await table.UpsertEntityAsync(ToEntity(anchor), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }
}
