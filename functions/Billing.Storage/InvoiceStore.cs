using Azure;
using Azure.Data.Tables;
using Billing.Domain;
using Billing.Domain.Invoicing;

namespace Billing.Storage;

/// <summary>
/// Finalized invoices. PartitionKey = period (<c>yyyyMM</c>), RowKey = invoice id, so a period's invoices are one
/// partition scan and an id is a point read. The invoice itself is stored as its public JSON.
/// </summary>
public sealed class InvoiceStore(BillingTables tables)
{
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
        try
        {
            await table.AddEntityAsync(ToEntity(invoice), cancellationToken).ConfigureAwait(false);
            return (invoice, true);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return ((await GetAsync(invoice.Id, cancellationToken).ConfigureAwait(false))!, false);
        }
    }

    /// <summary>Replaces an invoice if it has not changed since <paramref name="etag"/>; false when someone else changed it first.</summary>
    public async Task<bool> TryReplaceAsync(Invoice invoice, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await table.UpdateEntityAsync(ToEntity(invoice), etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<Invoice>> ListAsync(BillingPeriod? period, string? payer, CancellationToken cancellationToken)
    {
        var filters = new List<string>();
        if (period is { } p)
        {
            filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {p.ToCompactString()}"));
        }

        if (payer is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"Payer eq {payer}"));
        }

        var list = new List<Invoice>();
        await foreach (var row in table.QueryAsync<TableEntity>(filters.Count == 0 ? null : string.Join(" and ", filters), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(ToInvoice(row));
        }

        return list.OrderBy(i => i.Period).ThenBy(i => i.Id.ToString(), StringComparer.Ordinal).ToList();
    }

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
