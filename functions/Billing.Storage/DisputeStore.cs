namespace Billing.Storage;

/// <summary>
/// Disputes Stripe reported (<c>charge.dispute.*</c>): one row per dispute in the refunds table, partition <see cref="Partition"/>,
/// row key the dispute id (escaped), so every delivery of a dispute, in any order, meets the same row under its ETag. Evidence
/// that holds a burn and that reconcile reports; nothing is booked from it.
/// </summary>
public sealed class DisputeStore(BillingTables tables)
{
    public const string Partition = "dispute";

    private readonly TableClient table = tables.Refunds;

    /// <summary>
    /// Folds what one event says into its dispute's row (<see cref="Fold"/>). True when the row changed: a redelivered event
    /// changes nothing. A row that cannot be read throws <see cref="InvalidDataException"/> before anything is written.
    /// </summary>
    public async Task<bool> RecordAsync(IncomingDispute dispute, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispute);
        string rk = TableKey.Escape(dispute.DisputeId);
        return await table.FoldAsync(Partition, rk, Read, current => Fold(current, dispute), r => ToEntity(rk, r), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The dispute's row and its ETag; null when there is none. A row that cannot be read throws <see cref="InvalidDataException"/>.</summary>
    public Task<(DisputeRecord Record, ETag ETag)?> GetAsync(string disputeId, CancellationToken cancellationToken) =>
        table.FindAsync(Partition, TableKey.Escape(disputeId), Read, cancellationToken);

    /// <summary>Puts the dispute under <paramref name="invoiceId"/> (null: none) if its row is still the one read with <paramref name="etag"/>; false when it changed meanwhile.</summary>
    public async Task<bool> TryPlaceAsync(DisputeRecord record, ETag etag, string? invoiceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return await table.TryReplaceAsync(ToEntity(TableKey.Escape(record.DisputeId), record with { InvoiceId = invoiceId }), etag, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>The disputes (ids) of charges that are <paramref name="paymentId"/> itself or were made through it (a payment intent); ordinal.</summary>
    public async Task<IReadOnlyList<string>> OfPaymentAsync(string paymentId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(paymentId);
        return await table.IdsAsync(
            TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and (PaymentIntentId eq {paymentId} or ChargeId eq {paymentId})"), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The disputes placed under <paramref name="invoiceId"/>. A row that cannot be read throws <see cref="InvalidDataException"/>: nothing is burned on a guess.</summary>
    public Task<IReadOnlyList<DisputeRecord>> OfInvoiceAsync(string invoiceId, CancellationToken cancellationToken) =>
        StoredRows.ReadAllAsync(table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and InvoiceId eq {invoiceId}"), cancellationToken: cancellationToken), Read);

    /// <summary>
    /// The disputes placed under no invoice whose status is from an event Stripe created at or after <paramref name="since"/>.
    /// A row that cannot be read is left out: it is no invoice's (reconcile reports it), and read as a hold it would hold everyone's burns.
    /// </summary>
    public async Task<IReadOnlyList<DisputeRecord>> UnplacedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var list = await StoredRows.ReadAsync(
            table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and At ge {since}"), cancellationToken: cancellationToken), Read).ConfigureAwait(false);
        return [.. list.Items.Where(d => d.InvoiceId is null)];
    }

    /// <summary>Every dispute; rows that cannot be read apart, by dispute id.</summary>
    public Task<StoredList<DisputeRecord>> ListAllAsync(CancellationToken cancellationToken) =>
        StoredRows.ReadAsync(table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken), Read);

    /// <summary>
    /// The row once <paramref name="e"/> is folded in, the same whatever order the events arrive in: the links it names are
    /// kept; its status replaces the row's when the row has none, when it decides an open dispute (won, lost, closed: final),
    /// or when it is as decided as the row's and Stripe created it later (ties by event id). An event dated later that still
    /// calls a decided dispute open is an older word, delivered late. Which invoice it is under is not the event's to say.
    /// </summary>
    private static DisputeRecord Fold(DisputeRecord? current, IncomingDispute e)
    {
        var r = current ?? new DisputeRecord(e.DisputeId, null, null, null, 0, "", null, null, e.EventId, e.EventType, e.At);
        var links = r with
        {
            ChargeId = r.ChargeId ?? e.ChargeId,
            PaymentIntentId = r.PaymentIntentId ?? e.PaymentIntentId,
            AmountMinor = r.AmountMinor == 0 && e.AmountMinor is { } a ? a : r.AmountMinor,
            Currency = r.Currency.Length == 0 && e.Currency is { } c ? c : r.Currency,
            Reason = r.Reason ?? e.Reason,
        };
        var next = e.Status is not null && Later(current, e)
            ? links with
            {
                Status = e.Status,
                Reason = e.Reason ?? links.Reason,
                AmountMinor = e.AmountMinor ?? links.AmountMinor,
                Currency = e.Currency ?? links.Currency,
                EventId = e.EventId,
                EventType = e.EventType,
                At = e.At,
            }
            : links;
        if (e.Problem is { } problem)
        {
            return next.ProblemAt is { } seen && (e.At, e.EventId).CompareTo((seen, next.ProblemEventId ?? "")) <= 0
                ? next
                : next with { Problem = problem, ProblemEventId = e.EventId, ProblemAt = e.At };
        }

        return next.ProblemAt is { } problemAt && e.At >= problemAt ? next with { Problem = null, ProblemEventId = null, ProblemAt = null } : next;
    }

    private static bool Later(DisputeRecord? current, IncomingDispute e)
    {
        if (current?.Status is not { } status)
        {
            return true;
        }

        bool closed = DisputeStatuses.IsClosed(e.Status), wasClosed = DisputeStatuses.IsClosed(status);
        return closed != wasClosed ? closed : (e.At, e.EventId).CompareTo((current.At, current.EventId)) > 0;
    }

    private static TableEntity ToEntity(string rk, DisputeRecord r) => new(Partition, rk)
    {
        ["ChargeId"] = r.ChargeId,
        ["PaymentIntentId"] = r.PaymentIntentId,
        ["InvoiceId"] = r.InvoiceId,
        ["AmountMinor"] = r.AmountMinor,
        ["Currency"] = r.Currency,
        ["Status"] = r.Status,
        ["Reason"] = r.Reason,
        ["EventId"] = r.EventId,
        ["EventType"] = r.EventType,
        ["At"] = r.At,
        ["Problem"] = r.Problem,
        ["ProblemEventId"] = r.ProblemEventId,
        ["ProblemAt"] = r.ProblemAt,
    };

    private static DisputeRecord Read(TableEntity e)
    {
        var v = new RowValues(e, "dispute");
        return new DisputeRecord(
            v.Key(),
            v.Text("ChargeId"),
            v.Text("PaymentIntentId"),
            v.Text("InvoiceId"),
            v.Int64("AmountMinor") is { } amount && StripeAmounts.IsRecordable(amount) ? amount
                : throw v.Unreadable("AmountMinor", $"missing or outside 0..{StripeAmounts.MaxMinor}, an Edm.Int64 of minor units expected"),
            v.Text("Currency") ?? "",
            v.Text("Status"),
            v.Text("Reason"),
            v.Text("EventId", required: true)!,
            v.Text("EventType", required: true)!,
            v.Time("At", required: true)!.Value)
        {
            Problem = v.Text("Problem"),
            ProblemEventId = v.Text("ProblemEventId"),
            ProblemAt = v.Time("ProblemAt"),
            StoredAt = e.Timestamp,
        };
    }
}
