using Billing.Domain.Invoicing;

namespace Billing.Storage;

/// <summary>
/// Finalized invoices. PartitionKey = period (<c>yyyyMM</c>), RowKey = invoice id, so a period's invoices are one
/// partition scan and an id is a point read. The invoice itself is stored as its public JSON.
/// The same table holds the period-close records (PK <c>close</c>, RK <c>yyyyMM</c>) and the close lease (PK <c>lease</c>):
/// invoice partitions start with a digit, these with a letter, so invoice scans filter on <c>PartitionKey lt ':'</c>.
/// </summary>
public sealed class InvoiceStore(BillingTables tables)
{
    private const string ClosePartition = "close";
    private const string LeasePartition = "lease";
    private const string LeaseRow = "period-close";

    /// <summary>Every invoice partition (<c>yyyyMM</c>) sorts below ':' (the character after '9'); the other partitions are words.</summary>
    private static readonly string InvoicePartitions = TableClient.CreateQueryFilter($"PartitionKey lt {":"}");

    private readonly TableClient table = tables.Invoices;

    /// <summary>The invoice; null when there is none. A row that cannot be read throws <see cref="InvalidDataException"/> naming the property.</summary>
    public async Task<Invoice?> GetAsync(InvoiceId id, CancellationToken cancellationToken) =>
        (await GetWithETagAsync(id, cancellationToken).ConfigureAwait(false))?.Invoice;

    /// <summary>The invoice and its ETag; null when there is none. A row that cannot be read throws <see cref="InvalidDataException"/>.</summary>
    public Task<(Invoice Invoice, ETag ETag)?> GetWithETagAsync(InvoiceId id, CancellationToken cancellationToken) =>
        table.FindAsync(id.Period.ToCompactString(), TableKey.Escape(id.ToString()), ToInvoice, cancellationToken);

    /// <summary>Stores a new invoice, or returns the one already stored under its id (a repeated or concurrent close).</summary>
    public async Task<(Invoice Invoice, bool Created)> AddOrGetAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        return await table.TryAddAsync(ToEntity(invoice), cancellationToken).ConfigureAwait(false)
            ? (invoice, true)
            : ((await GetAsync(invoice.Id, cancellationToken).ConfigureAwait(false))!, false);
    }

    /// <summary>Replaces an invoice if it has not changed since <paramref name="etag"/>; false when someone else changed it first.</summary>
    public async Task<bool> TryReplaceAsync(Invoice invoice, ETag etag, CancellationToken cancellationToken) =>
        await table.TryReplaceAsync(ToEntity(invoice), etag, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>
    /// The invoices of a period, of a payer (by the row's <c>Payer</c>), or all, by period and id. A row that cannot be read
    /// is listed apart with the reason (<see cref="UnreadableRow"/>, by its invoice id) instead of failing the list.
    /// </summary>
    public async Task<StoredList<Invoice>> ListAsync(BillingPeriod? period, string? payer, CancellationToken cancellationToken)
    {
        var filters = new List<string> { InvoicePartitions };
        if (period is { } p)
        {
            filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {p.ToCompactString()}"));
        }

        if (payer is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"Payer eq {payer}"));
        }

        var list = await StoredRows.ReadAsync(table.QueryAsync<TableEntity>(string.Join(" and ", filters), cancellationToken: cancellationToken), ToInvoice).ConfigureAwait(false);
        return list with { Items = [.. list.Items.OrderBy(i => i.Period).ThenBy(i => i.Id.ToString(), StringComparer.Ordinal)] };
    }

    /// <summary>
    /// The ids of the invoices stored as synced to Stripe invoice <paramref name="stripeInvoiceId"/> (their <c>StripeInvoiceId</c>;
    /// the service filters, it is no index: Stripe events that need it are rare).
    /// </summary>
    public async Task<IReadOnlyList<string>> FindByStripeInvoiceIdAsync(string stripeInvoiceId, CancellationToken cancellationToken)
    {
        string filter = InvoicePartitions + " and " + TableClient.CreateQueryFilter($"StripeInvoiceId eq {stripeInvoiceId}");
        var ids = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            ids.Add(RowValues.Id(row));
        }

        return ids;
    }

    /// <summary>
    /// Every invoice of <paramref name="payer"/> (all revisions, any status) for the periods <paramref name="from"/>..<paramref name="to"/>
    /// inclusive. All or nothing: what was billed is derived from them, so a row of the payer that cannot be read throws
    /// <see cref="InvalidDataException"/> rather than let a correction bill again what it billed. The rows are selected by
    /// key (the invoice id, which payer and period make), never by the <c>Payer</c> property: a row whose property was
    /// removed or changed would drop out of the selection and its month be billed again. Another payer's row in the key
    /// range (an id that only begins like this payer's) is skipped before it is read, so it never fails this payer.
    /// </summary>
    public async Task<IReadOnlyList<Invoice>> ListForPayerAsync(string payer, BillingPeriod from, BillingPeriod to, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey ge {from.ToCompactString()} and PartitionKey le {to.ToCompactString()}")
            + " and " + KeysOf(payer);
        var list = new List<Invoice>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (IsInvoiceOf(row, payer))
            {
                list.Add(ToInvoice(row));
            }
        }

        return list;
    }

    /// <summary>
    /// Whether any invoice of <paramref name="payer"/> is stored, in any period, found by key as in
    /// <see cref="ListForPayerAsync"/> (a row whose <c>Payer</c> property was changed still counts); nothing of a row but
    /// its keys is read.
    /// </summary>
    public async Task<bool> AnyOfPayerAsync(string payer, CancellationToken cancellationToken)
    {
        string filter = InvoicePartitions + " and " + KeysOf(payer);
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (IsInvoiceOf(row, payer))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The payers of the invoices stored for <paramref name="period"/>, by their keys alone (one partition, nothing of a row
    /// but its key is read); a key that is no invoice id of the period is passed over (a listing of the period names it).
    /// </summary>
    public async Task<IReadOnlySet<string>> PayersAsync(BillingPeriod period, CancellationToken cancellationToken)
    {
        var payers = new SortedSet<string>(StringComparer.Ordinal);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {period.ToCompactString()}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            try
            {
                var id = InvoiceId.Parse(RowValues.Id(row));
                if (id.Period == period)
                {
                    payers.Add(id.Payer);
                }
            }
            catch (FormatException)
            {
                // no invoice's key
            }
        }

        return payers;
    }

    /// <summary>The row keys of <paramref name="payer"/>'s invoices and of ids that only begin like them (<see cref="IsInvoiceOf"/> tells them apart).</summary>
    private static string KeysOf(string payer)
    {
        string prefix = TableKey.Escape($"INV-{payer}-"); // InvoiceId's form; escaping keeps a prefix a prefix, and '-' is never escaped
        string end = prefix[..^1] + "."; // the first key past every key starting with the prefix ('.' follows '-')
        return TableClient.CreateQueryFilter($"RowKey ge {prefix} and RowKey lt {end}");
    }

    /// <summary>
    /// True when the row's key is one <see cref="ToEntity"/> writes for an invoice of <paramref name="payer"/> in the row's
    /// partition (the original or a revision <c>-r{n}</c>), compared as stored, before anything of the row is read.
    /// </summary>
    private static bool IsInvoiceOf(TableEntity row, string payer)
    {
        string pk = row.PartitionKey;
        if (pk.Length != 6 || !BillingPeriod.TryParse(pk[..4] + "-" + pk[4..], out var period))
        {
            return false; // no invoice partition: no invoice of anyone (a listing of all names it)
        }

        string id = TableKey.Escape(new InvoiceId(payer, period).ToString());
        if (row.RowKey == id)
        {
            return true;
        }

        string revision = row.RowKey.StartsWith(id + "-r", StringComparison.Ordinal) ? row.RowKey[(id.Length + 2)..] : "";
        return int.TryParse(revision, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            && row.RowKey == TableKey.Escape(new InvoiceId(payer, period, n).ToString());
    }

    /// <summary>The period's close record and its ETag; null when the period was never closed. A row that cannot be read throws <see cref="InvalidDataException"/>.</summary>
    public async Task<(PeriodCloseRecord Record, ETag ETag)?> GetCloseAsync(BillingPeriod period, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(ClosePartition, period.ToCompactString(), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue)
        {
            return null;
        }

        var e = row.Value!;
        var v = new RowValues(e, "period close");
        Dictionary<string, string> failed;
        try
        {
            failed = JsonSerializer.Deserialize<Dictionary<string, string>>(v.Text("FailedPayers") ?? "{}") ?? [];
        }
        catch (JsonException ex)
        {
            throw v.Unreadable("FailedPayers", $"not the JSON this platform writes ({ex.Message})", ex);
        }

        return (new PeriodCloseRecord(period, v.Time("ClosedAt") ?? default, failed), e.ETag);
    }

    /// <summary>The latest period with a close record (row keys only, one query of the small close partition); null when none.</summary>
    public async Task<BillingPeriod?> LatestClosedAsync(CancellationToken cancellationToken)
    {
        BillingPeriod? latest = null;
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {ClosePartition}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            // a key that is no period (planted) names no close: skipped
            if (row.RowKey.Length == 6 && BillingPeriod.TryParse(row.RowKey[..4] + "-" + row.RowKey[4..], out var period) && (latest is null || period > latest))
            {
                latest = period;
            }
        }

        return latest;
    }

    /// <summary>
    /// Stores the close record of a period: added when <paramref name="etag"/> is null, else replaced if unchanged since.
    /// False when another close wrote it first.
    /// </summary>
    public async Task<bool> TrySaveCloseAsync(PeriodCloseRecord record, ETag? etag, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(ClosePartition, record.Period.ToCompactString())
        {
            ["ClosedAt"] = record.ClosedAt,
            ["FailedPayers"] = JsonSerializer.Serialize(record.FailedPayers),
        };
        try
        {
            if (etag is { } e)
            {
                await table.UpdateEntityAsync(entity, e, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>
    /// Takes (or renews) the single period-close lease: acquired when <paramref name="owner"/> holds it until
    /// <paramref name="now"/> + <paramref name="duration"/>, not while another live owner holds it. A lease row that cannot
    /// be read counts as expired (<see cref="LeaseAcquisition.Unreadable"/> says why).
    /// </summary>
    public Task<LeaseAcquisition> TryAcquireCloseLeaseAsync(string owner, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken) =>
        TableLease.TryAcquireAsync(table, LeasePartition, LeaseRow, owner, duration, now, cancellationToken);

    public Task ReleaseCloseLeaseAsync(string owner, CancellationToken cancellationToken) =>
        TableLease.ReleaseAsync(table, LeasePartition, LeaseRow, owner, cancellationToken);

    private static TableEntity ToEntity(Invoice invoice) => new(invoice.Period.ToCompactString(), TableKey.Escape(invoice.Id.ToString()))
    {
        ["Payer"] = invoice.Payer,
        ["Status"] = InvoiceJson.StatusName(invoice.Status),
        ["TotalMinor"] = invoice.Total.MinorUnits,
        ["Currency"] = invoice.Currency.Code,
        ["StripeInvoiceId"] = invoice.StripeInvoiceId,
        ["Json"] = InvoiceJson.Serialize(invoice),
    };

    /// <summary>
    /// The invoice a row holds: its <c>Json</c>, which must be an invoice of this row's id and period, with every other
    /// property of the type <see cref="ToEntity"/> writes and the <c>Payer</c> that invoice's, always written (the API's
    /// listings select payers by it, so another payer planted there would show the invoice to them, and a row without it
    /// would drop out of its payer's). Anything else is an <see cref="InvalidDataException"/>.
    /// </summary>
    private static Invoice ToInvoice(TableEntity row)
    {
        var v = new RowValues(row, "invoice");
        string json = v.Text("Json", required: true)!;
        Invoice invoice;
        try
        {
            invoice = InvoiceJson.Deserialize(json);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException or ArgumentException or InvalidDataException)
        {
            throw v.Unreadable("Json", $"not an invoice this platform writes ({ex.Message})", ex);
        }

        if (invoice.Id.ToString() != v.Key() || invoice.Period.ToCompactString() != row.PartitionKey)
        {
            throw v.Unreadable("Json", $"holds invoice {invoice.Id}, which is not stored under this key");
        }

        if (v.Text("Payer", required: true) is { } payer && payer != invoice.Payer)
        {
            throw v.Unreadable("Payer", $"'{payer}', the invoice bills '{invoice.Payer}'");
        }

        _ = (v.Text("Status"), v.Int64("TotalMinor"), v.Text("Currency"), v.Text("StripeInvoiceId")); // written, never read: only their types are checked
        return invoice;
    }
}
