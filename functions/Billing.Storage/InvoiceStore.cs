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
    public async Task<(Invoice Invoice, ETag ETag)?> GetWithETagAsync(InvoiceId id, CancellationToken cancellationToken)
    {
        var row = await table.FindAsync(id.Period.ToCompactString(), TableKey.Escape(id.ToString()), null, cancellationToken).ConfigureAwait(false);
        return row is not null ? (ToInvoice(row), row.ETag) : null;
    }

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
    /// inclusive. All or nothing: what was billed is derived from them, so a row that cannot be read throws
    /// <see cref="InvalidDataException"/> rather than let a correction bill again what it billed.
    /// </summary>
    public async Task<IReadOnlyList<Invoice>> ListForPayerAsync(string payer, BillingPeriod from, BillingPeriod to, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey ge {from.ToCompactString()} and PartitionKey le {to.ToCompactString()} and Payer eq {payer}");
        var list = new List<Invoice>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(ToInvoice(row));
        }

        return list;
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
    /// property of the type <see cref="ToEntity"/> writes and the <c>Payer</c> that invoice's (listings select payers by
    /// it, so another payer planted there would show the invoice to them). Anything else is an <see cref="InvalidDataException"/>.
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

        if (v.Text("Payer") is { } payer && payer != invoice.Payer)
        {
            throw v.Unreadable("Payer", $"'{payer}', the invoice bills '{invoice.Payer}'");
        }

        _ = (v.Text("Status"), v.Int64("TotalMinor"), v.Text("Currency"), v.Text("StripeInvoiceId")); // written, never read: only their types are checked
        return invoice;
    }
}
