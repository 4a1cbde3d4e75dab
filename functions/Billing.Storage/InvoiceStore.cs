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

    public async Task<Invoice?> GetAsync(InvoiceId id, CancellationToken cancellationToken) =>
        (await GetWithETagAsync(id, cancellationToken).ConfigureAwait(false))?.Invoice;

    public async Task<(Invoice Invoice, ETag ETag)?> GetWithETagAsync(InvoiceId id, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(id.Period.ToCompactString(), TableKey.Escape(id.ToString()), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? (ToInvoice(row.Value!), row.Value!.ETag) : null;
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

    public async Task<IReadOnlyList<Invoice>> ListAsync(BillingPeriod? period, string? payer, CancellationToken cancellationToken)
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

        var list = new List<Invoice>();
        await foreach (var row in table.QueryAsync<TableEntity>(string.Join(" and ", filters), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(ToInvoice(row));
        }

        return list.OrderBy(i => i.Period).ThenBy(i => i.Id.ToString(), StringComparer.Ordinal).ToList();
    }

    /// <summary>Every invoice of <paramref name="payer"/> (all revisions, any status) for the periods <paramref name="from"/>..<paramref name="to"/> inclusive.</summary>
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

    public async Task<(PeriodCloseRecord Record, ETag ETag)?> GetCloseAsync(BillingPeriod period, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(ClosePartition, period.ToCompactString(), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue)
        {
            return null;
        }

        var e = row.Value!;
        var failed = JsonSerializer.Deserialize<Dictionary<string, string>>(e.GetString("FailedPayers") ?? "{}") ?? [];
        return (new PeriodCloseRecord(period, e.GetDateTimeOffset("ClosedAt") ?? default, failed), e.ETag);
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
    /// Takes (or renews) the single period-close lease. True when <paramref name="owner"/> holds it until
    /// <paramref name="now"/> + <paramref name="duration"/>; false while another live owner holds it.
    /// </summary>
    public Task<bool> TryAcquireCloseLeaseAsync(string owner, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken) =>
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

    private static Invoice ToInvoice(TableEntity row) => InvoiceJson.Deserialize(row.GetString("Json") ?? throw new InvalidDataException($"invoice row {row.RowKey} has no Json"));
}
