namespace Billing.Storage;

/// <summary>
/// Which payment paid which Stripe invoice (<c>invoice_payment.paid</c>), in the refunds table under partition
/// <see cref="Partition"/>: row key the payment id and the Stripe invoice id, so one payment intent that paid several
/// invoices keeps a row for each, and a replayed event meets its row. Partition <see cref="ByStripeInvoicePartition"/> indexes
/// the same links by Stripe invoice, for when our invoice of a Stripe invoice becomes known after its links arrived. Only read
/// to match a refund to its invoice.
/// </summary>
public sealed class InvoicePaymentLinkStore(BillingTables tables)
{
    public const string Partition = "link";

    public const string ByStripeInvoicePartition = "link-invoice";

    // Two parts and the separator stay within a key; a longer id (never one Stripe makes) is kept as its digest.
    private const int MaxPartChars = (TableKey.MaxKeyChars - 1) / 2;

    private readonly TableClient table = tables.Refunds;

    /// <summary>Records the link (its index row first, so a link is always found from its Stripe invoice); false when it was recorded before.</summary>
    public async Task<bool> RecordAsync(InvoicePaymentLink link, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        await table.UpsertEntityAsync(
            new TableEntity(ByStripeInvoicePartition, TableKey.Join(Prefix(link.StripeInvoiceId), Prefix(link.PaymentId)))
            {
                ["PaymentId"] = link.PaymentId,
                ["StripeInvoiceId"] = link.StripeInvoiceId,
            },
            TableUpdateMode.Replace,
            cancellationToken).ConfigureAwait(false);
        return await table.TryAddAsync(
            new TableEntity(Partition, TableKey.Join(Prefix(link.PaymentId), TableKey.Part(link.StripeInvoiceId, MaxPartChars)))
            {
                ["PaymentId"] = link.PaymentId,
                ["StripeInvoiceId"] = link.StripeInvoiceId,
                ["InvoicePaymentId"] = link.InvoicePaymentId,
                ["EventId"] = link.EventId,
                ["At"] = link.At,
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The payments (payment intents or charges) links say paid <paramref name="stripeInvoiceId"/>, ordinal. A row that cannot be read throws <see cref="InvalidDataException"/>.</summary>
    public Task<IReadOnlyList<string>> PaymentsOfAsync(string stripeInvoiceId, CancellationToken cancellationToken) =>
        OtherEndsAsync(ByStripeInvoicePartition, "StripeInvoiceId", stripeInvoiceId, "PaymentId", cancellationToken);

    /// <summary>
    /// The Stripe invoices <paramref name="paymentId"/> (a payment intent or a charge) paid, ordinal. A row whose ids are not
    /// text (changed outside the platform) throws <see cref="InvalidDataException"/> naming it: read as no link, it would make
    /// a payment of several invoices look like a payment of one, and its refunds go under that one alone.
    /// </summary>
    public Task<IReadOnlyList<string>> StripeInvoicesPaidByAsync(string paymentId, CancellationToken cancellationToken) =>
        OtherEndsAsync(Partition, "PaymentId", paymentId, "StripeInvoiceId", cancellationToken);

    /// <summary>The link rows (either partition) whose ids cannot be read, by row key; reconcile reports them.</summary>
    public async Task<IReadOnlyList<UnreadableRow>> ListUnreadableAsync(CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} or PartitionKey eq {ByStripeInvoicePartition}");
        var rows = await StoredRows.ReadAsync(
            table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", "PaymentId", "StripeInvoiceId"], cancellationToken: cancellationToken),
            row => (Ends(row, "PaymentId"), Ends(row, "StripeInvoiceId")),
            (row, ex) => new UnreadableRow($"{row.PartitionKey} {row.RowKey}", ex.Message)).ConfigureAwait(false);
        return rows.Unreadable;
    }

    /// <summary>
    /// The links of one end (<paramref name="key"/>, the first part of their row keys in <paramref name="partition"/>, and
    /// its column, which a digested key part needs to tell ids apart), read for their other end: its <paramref name="otherColumn"/>.
    /// Both columns are read strictly (a row of the range whose key column is not text would otherwise go unseen by a filter on it).
    /// </summary>
    private async Task<IReadOnlyList<string>> OtherEndsAsync(string partition, string keyColumn, string key, string otherColumn, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        string prefix = Prefix(key) + TableKey.Separator;
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {prefix} and RowKey lt {TableKey.After(prefix)}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", keyColumn, otherColumn], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (Ends(row, keyColumn) == key)
            {
                ids.Add(Ends(row, otherColumn));
            }
        }

        return [.. ids];
    }

    /// <summary>An id of the link, as written: text, never empty.</summary>
    private static string Ends(TableEntity row, string column)
    {
        var v = new RowValues(row, "invoice payment link");
        return v.Text(column, required: true) is { Length: > 0 } id ? id : throw v.Unreadable(column, "empty, the id of a payment or Stripe invoice expected");
    }

    private static string Prefix(string id) => TableKey.Part(id, MaxPartChars);
}
