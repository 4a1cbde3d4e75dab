namespace Billing.Storage.Ledger;

/// <summary>
/// Merkle-root anchors of ledger books in table <c>{prefix}anchors</c>: PK = escaped book, RK = (2^63-1 − toSeq) as 19
/// digits, so the newest anchor is the first row of the partition (<see cref="GetLastAsync"/> reads one row). Each row
/// records the key that signs its memo (<see cref="LedgerAnchor.Signer"/>; rows written before have none). After a change
/// of the anchor authority, a confirmed row of the earlier key that ends where a new key's row ends is kept under
/// <see cref="KeptRowKey"/> rather than overwritten: the chain keeps that memo, and the table keeps where it is.
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

    /// <summary>Where a confirmed row of another signer is kept when a row of the same range end replaces it: right after that row.</summary>
    public static string KeptRowKey(long toSeq, string signature) => RowKey(toSeq) + "|" + signature;

    /// <summary>
    /// The anchor with the highest <see cref="LedgerAnchor.ToSeq"/>, or null when the book has none;
    /// <see cref="InvalidDataException"/> naming it when that row cannot be read.
    /// </summary>
    public async Task<LedgerAnchor?> GetLastAsync(string book, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {LedgerStore.PartitionKey(book)}");
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1, cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
        {
            if (page.Values.Count > 0)
            {
                return FromEntity(table.Name, page.Values[0]);
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
        return row.HasValue ? FromEntity(table.Name, row.Value!) : null;
    }

    /// <summary>All anchors of a book, by ascending <see cref="LedgerAnchor.ToSeq"/>; <see cref="InvalidDataException"/> naming a row that cannot be read.</summary>
    public async Task<IReadOnlyList<LedgerAnchor>> ListAsync(string book, CancellationToken cancellationToken)
    {
        var rows = await ListRowsAsync(book, cancellationToken).ConfigureAwait(false);
        return rows.Unreadable.Count == 0 ? rows.Anchors : throw new UnreadableRowException(rows.Unreadable[0]).Refusal();
    }

    /// <summary>
    /// All anchors of a book, by ascending <see cref="LedgerAnchor.ToSeq"/>, and apart the rows that cannot be read: the
    /// table is only a cache of the chain, so anchoring and proofs go on without those rows, and verify reports them.
    /// </summary>
    public async Task<AnchorRows> ListRowsAsync(string book, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {LedgerStore.PartitionKey(book)}");
        var list = new List<LedgerAnchor>();
        var unreadable = new List<UnreadableLedgerRow>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            try
            {
                list.Add(ParseAnchor(table.Name, row));
            }
            catch (UnreadableRowException ex)
            {
                unreadable.Add(ex.Row);
            }
        }

        list.Reverse();
        unreadable.Reverse();
        return new AnchorRows(list, unreadable);
    }

    private static TableEntity ToEntity(LedgerAnchor a) => new(LedgerStore.PartitionKey(a.Book), RowKey(a.ToSeq))
    {
        ["Signer"] = a.Signer,
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

    /// <summary>A row as <see cref="ToEntity"/> writes it, read strictly: another type in any property is an <see cref="InvalidDataException"/> naming both.</summary>
    private static LedgerAnchor FromEntity(string tableName, TableEntity row) => UnreadableRowException.Refusing(() => ParseAnchor(tableName, row));

    private static LedgerAnchor ParseAnchor(string tableName, TableEntity row)
    {
        var values = new StrictRow(tableName, row);
        long? slot = values.Int64("Slot");
        if (slot < 0)
        {
            throw values.Unreadable("Slot", string.Create(CultureInfo.InvariantCulture, $"{slot} is not a slot"));
        }

        string book = values.Text("Book") ?? TableKey.Unescape(row.PartitionKey);
        long from = values.Int64("FromSeq", required: true)!.Value, to = values.Int64("ToSeq", required: true)!.Value;
        string root = values.Text("RootHex", required: true)!;
        var createdAt = values.Time("CreatedAt", required: true)!.Value;
        var extras = (Signature: values.Text("Signature"), Status: values.Text("Status"), Ledger: values.Text("Ledger"), Previous: values.Text("PreviousRootHex"), Signer: values.Text("Signer"));
        try
        {
            return new(book, from, to, root, createdAt)
            {
                Signature = extras.Signature,
                Slot = slot is { } s ? (ulong)s : null,
                Status = Enum.TryParse(extras.Status, ignoreCase: false, out AnchorStatus status) ? status : AnchorStatus.Pending,
                Ledger = extras.Ledger ?? "billing",
                PreviousRootHex = extras.Previous ?? AnchorMemo.NoPreviousRoot,
                Signer = extras.Signer,
            };
        }
        catch (ArgumentException e)
        {
            // Values of the right type that no anchor can have (a range ending before it starts, a root that is not a hash).
            string property = e.ParamName switch { "book" => "Book", "fromSeq" => "FromSeq", "rootHex" => "RootHex", _ => "ToSeq" };
            throw values.Unreadable(property, e.Message, e);
        }
    }

    /// <summary>Deletes the row of the anchor ending at <paramref name="toSeq"/> if it exists (a stale or forged pending hint).</summary>
    public async Task DeleteAsync(string book, long toSeq, CancellationToken cancellationToken) =>
        await table.DeleteEntityAsync(LedgerStore.PartitionKey(book), RowKey(toSeq), ETag.All, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Writes <paramref name="anchor"/> whether or not a row for its range exists (a cache of what the chain says). A
    /// confirmed row there of another transaction and not recorded as the same signer's (an earlier anchor authority's, or
    /// one written before signers were recorded) is first copied to <see cref="KeptRowKey"/>; the write then replaces only
    /// the row it read (a row written there meanwhile is read again).
    /// </summary>
    public async Task UpsertAsync(LedgerAnchor anchor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        var entity = ToEntity(anchor);
        for (int attempt = 1; ; attempt++)
        {
            var there = await table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                if (!there.HasValue)
                {
                    await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                    return;
                }

                var occupant = there.Value!;
                if (EntityText.Of(occupant, "Status") == nameof(AnchorStatus.Confirmed) && EntityText.Of(occupant, "Signature") is { } signature
                    && signature != anchor.Signature && (EntityText.Of(occupant, "Signer") is not { } signer || signer != anchor.Signer))
                {
                    var kept = new TableEntity(occupant.PartitionKey, KeptRowKey(anchor.ToSeq, signature));
                    foreach (var (name, value) in occupant.Where(p => p.Key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")))
                    {
                        kept[name] = value;
                    }

                    await table.UpsertEntityAsync(kept, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }

                await table.UpdateEntityAsync(entity, occupant.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412 && attempt < 5)
            {
                // Written or deleted meanwhile (another instance caching the same anchor): decide again on what is there now.
            }
        }
    }

    /// <summary>
    /// Records <paramref name="signer"/> on the row of the anchor ending at <paramref name="toSeq"/> in transaction
    /// <paramref name="signature"/> (where it is, or where it is kept), if that row still records that transaction and no
    /// signer: what the chain showed about a row written before signers were recorded. Nothing else is changed.
    /// </summary>
    public async Task RecordSignerAsync(string book, long toSeq, string signature, string signer, CancellationToken cancellationToken)
    {
        foreach (string rowKey in new[] { RowKey(toSeq), KeptRowKey(toSeq, signature) })
        {
            var found = await table.GetEntityIfExistsAsync<TableEntity>(LedgerStore.PartitionKey(book), rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (found.HasValue && found.Value is { } row && EntityText.Of(row, "Signature") == signature && EntityText.Of(row, "Signer") is null)
            {
                try
                {
                    await table.UpdateEntityAsync(new TableEntity(row.PartitionKey, rowKey) { ["Signer"] = signer }, row.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                }
                catch (RequestFailedException e) when (e.Status is 404 or 412)
                {
                    // Changed meanwhile: whatever is there now was written with its signer, or is judged again.
                }

                return;
            }
        }
    }
}
