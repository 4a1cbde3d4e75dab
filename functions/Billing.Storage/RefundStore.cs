namespace Billing.Storage;

/// <summary>
/// Refunds Stripe reported (<c>charge.refunded</c>): one row per charge, partition <see cref="Partition"/>, row key the charge
/// id (escaped), so every delivery for a charge, in any order and whatever invoice was found for it then, meets the same
/// row under its ETag. Evidence for reconciliation only: nothing is booked or undone from it.
/// </summary>
public sealed class RefundStore(BillingTables tables)
{
    public const string Partition = "charge";

    private readonly TableClient table = tables.Refunds;

    /// <summary>
    /// The disputes of charges, kept in the same table: money that may go back on a charge, placed under an invoice the way a
    /// refund is, so whoever reads the refunds (the placement, the burn executor, reconcile) reaches them without another dependency.
    /// </summary>
    public DisputeStore Disputes { get; } = new(tables);

    /// <summary>Which payment paid which Stripe invoice, in the same table: what places a dispute, read where the disputes are (the burn executor's dispute hold).</summary>
    public InvoicePaymentLinkStore Links { get; } = new(tables);

    /// <summary>
    /// Folds what one event says into its charge's row: the larger cumulative amount, the links it names, an unreadable amount
    /// noted until a readable event Stripe created later arrives. Which invoice the charge is under is not the event's to say
    /// (<see cref="TryPlaceAsync"/>); it is kept. True when the row changed. A row that cannot be read throws
    /// <see cref="InvalidDataException"/> before anything is written: what it held (the larger amount, the invoice) is unknown,
    /// and one event's word must not replace it.
    /// </summary>
    /// <param name="refund">The event, as read.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    public async Task<bool> RecordAsync(Billing.Domain.Credits.IncomingRefund refund, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refund);
        string rk = TableKey.Escape(refund.ChargeId);
        return await table.FoldAsync(Partition, rk, Read, current => Fold(current, refund), r => ToEntity(rk, r), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The charge's row and its ETag; null when there is none. A row that cannot be read throws <see cref="InvalidDataException"/> (nothing is placed on a guess).</summary>
    public Task<(RefundRecord Record, ETag ETag)?> GetAsync(string chargeId, CancellationToken cancellationToken) =>
        table.FindAsync(Partition, TableKey.Escape(chargeId), Read, cancellationToken);

    /// <summary>Puts the charge under <paramref name="invoiceId"/> (null: none) if its row is still the one read with <paramref name="etag"/>; false when it changed meanwhile.</summary>
    public async Task<bool> TryPlaceAsync(RefundRecord record, ETag etag, string? invoiceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        string rk = TableKey.Escape(record.ChargeId);
        return await table.TryReplaceAsync(ToEntity(rk, record with { InvoiceId = invoiceId }), etag, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>The refunded charges (ids) that are <paramref name="paymentId"/> itself or were made through it (a payment intent); ordinal.</summary>
    public async Task<IReadOnlyList<string>> ChargesOfPaymentAsync(string paymentId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(paymentId);
        return await table.IdsAsync(
            TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and (PaymentIntentId eq {paymentId} or RowKey eq {TableKey.Escape(paymentId)})"),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The refunded charges (ids) that name Stripe invoice <paramref name="stripeInvoiceId"/> (API versions before 2025); ordinal.</summary>
    public async Task<IReadOnlyList<string>> ChargesOfStripeInvoiceAsync(string stripeInvoiceId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stripeInvoiceId);
        return await table.IdsAsync(
            TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and StripeInvoiceId eq {stripeInvoiceId}"), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The charges found to have paid <paramref name="invoiceId"/>, with what Stripe refunded on each. A row that cannot be
    /// read throws <see cref="InvalidDataException"/>: whoever decides on it must not go on as if nothing was refunded.
    /// </summary>
    public Task<IReadOnlyList<RefundRecord>> OfInvoiceAsync(string invoiceId, CancellationToken cancellationToken) =>
        StoredRows.ReadAllAsync(table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and InvoiceId eq {invoiceId}"), cancellationToken: cancellationToken), Read);

    /// <summary>
    /// The refunded charges of Stripe customer <paramref name="stripeCustomerId"/> not placed under any invoice (no link from
    /// the charge to an invoice found yet), ordinal by charge. A row that cannot be read throws <see cref="InvalidDataException"/>,
    /// as <see cref="OfInvoiceAsync"/> does.
    /// </summary>
    public async Task<IReadOnlyList<RefundRecord>> UnplacedOfCustomerAsync(string stripeCustomerId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stripeCustomerId);
        var refunds = await StoredRows.ReadAllAsync(
            table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and StripeCustomerId eq {stripeCustomerId}"), cancellationToken: cancellationToken), Read).ConfigureAwait(false);
        return [.. refunds.Where(r => r.InvoiceId is null && r.AmountRefundedMinor > 0).OrderBy(r => r.ChargeId, StringComparer.Ordinal)];
    }

    /// <summary>Every charge's refunds; rows that cannot be read apart, by charge id.</summary>
    public Task<StoredList<RefundRecord>> ListAllAsync(CancellationToken cancellationToken) =>
        StoredRows.ReadAsync(table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken), Read);

    private static RefundRecord Fold(RefundRecord? current, Billing.Domain.Credits.IncomingRefund refund)
    {
        var links = current ?? new RefundRecord(refund.ChargeId, null, 0, refund.Currency, null, null, null, refund.EventId, refund.At);
        links = links with
        {
            StripeInvoiceId = refund.StripeInvoiceId ?? links.StripeInvoiceId,
            PaymentIntentId = refund.PaymentIntentId ?? links.PaymentIntentId,
            StripeCustomerId = refund.StripeCustomerId ?? links.StripeCustomerId,
        };
        if (refund.Problem is { } problem)
        {
            return links.Problem is null && (current is null || refund.At > current.At || current.AmountRefundedMinor == 0)
                ? links with { Problem = problem, ProblemEventId = refund.EventId, ProblemAt = refund.At }
                : links;
        }

        var read = current is null || refund.AmountRefundedMinor > current.AmountRefundedMinor
            ? links with { AmountRefundedMinor = refund.AmountRefundedMinor, Currency = refund.Currency, EventId = refund.EventId, At = refund.At }
            : links;
        return read.ProblemAt is { } problemAt && refund.At >= problemAt ? read with { Problem = null, ProblemEventId = null, ProblemAt = null } : read;
    }

    private static TableEntity ToEntity(string rk, RefundRecord r) => new(Partition, rk)
    {
        ["InvoiceId"] = r.InvoiceId,
        ["AmountRefundedMinor"] = r.AmountRefundedMinor,
        ["Currency"] = r.Currency,
        ["StripeInvoiceId"] = r.StripeInvoiceId,
        ["PaymentIntentId"] = r.PaymentIntentId,
        ["StripeCustomerId"] = r.StripeCustomerId,
        ["EventId"] = r.EventId,
        ["At"] = r.At,
        ["Problem"] = r.Problem,
        ["ProblemEventId"] = r.ProblemEventId,
        ["ProblemAt"] = r.ProblemAt,
    };

    private static RefundRecord Read(TableEntity e)
    {
        var v = new RowValues(e, "refund");
        return new RefundRecord(
            v.Key(),
            v.Text("InvoiceId"),
            v.Int64("AmountRefundedMinor") is { } amount && StripeAmounts.IsRecordable(amount) ? amount
                : throw v.Unreadable("AmountRefundedMinor", $"missing or outside 0..{StripeAmounts.MaxMinor}, an Edm.Int64 of minor units expected"),
            v.Text("Currency", required: true)!,
            v.Text("StripeInvoiceId"),
            v.Text("PaymentIntentId"),
            v.Text("StripeCustomerId"),
            v.Text("EventId", required: true)!,
            v.Time("At", required: true)!.Value)
        {
            Problem = v.Text("Problem"),
            ProblemEventId = v.Text("ProblemEventId"),
            ProblemAt = v.Time("ProblemAt"),
        };
    }
}
