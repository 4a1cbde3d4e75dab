namespace Billing.Storage.Ledger;

/// <summary>
/// Which audit pin of each partner an evidence entry already holds (<see cref="PartnerAuditPins"/>), so the anchor timer
/// need not read the book to know: table <c>{prefix}anchors</c>, partition <c>|pins|{escaped book}</c> (no book escapes
/// to it), a row per partner (escaped id) with <c>Count</c>, <c>Head</c> and the <c>EntryId</c> that pins them. Only a
/// hint: the timer checks the entry a row names before it trusts it, so a row planted, changed or removed costs at
/// most an extra pin, never a missing one.
/// </summary>
public sealed class PartnerPinCursor(BillingTables tables)
{
    private const int MaxPerTransaction = 100;

    private readonly TableClient table = (tables ?? throw new ArgumentNullException(nameof(tables))).Table(AnchorStore.TableName);

    public static string PartitionKey(string book) => "|pins|" + LedgerStore.PartitionKey(book);

    /// <summary>The marks of <paramref name="book"/> by partner id; a row that cannot be read is left out (its partner is pinned again).</summary>
    public async Task<IReadOnlyDictionary<string, (PartnerAuditPin Pin, string EntryId)>> ReadAsync(string book, CancellationToken cancellationToken)
    {
        var marks = new Dictionary<string, (PartnerAuditPin, string)>(StringComparer.Ordinal);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey(book)}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            long? count = row.TryGetValue("Count", out object? c) && c is long n ? n : null;
            if (TableKey.TryUnescape(row.RowKey, out string id) && PartnerAuditPin.Of(count, EntityText.Of(row, "Head")) is { } pin
                && EntityText.Of(row, "EntryId") is { Length: > 0 } entryId)
            {
                marks[id] = (pin, entryId);
            }
        }

        return marks;
    }

    /// <summary>Records that entry <paramref name="entryId"/> pins <paramref name="pins"/> (replacing earlier marks).</summary>
    public async Task WriteAsync(string book, string entryId, IEnumerable<(string PartnerId, PartnerAuditPin Pin)> pins, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pins);
        string pk = PartitionKey(book);
        foreach (var chunk in pins.Chunk(MaxPerTransaction))
        {
            var actions = chunk.Select(p => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(pk, TableKey.Escape(p.PartnerId))
            {
                ["Count"] = p.Pin.Count,
                ["Head"] = p.Pin.Head,
                ["EntryId"] = entryId,
            }));
            await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
    }
}
