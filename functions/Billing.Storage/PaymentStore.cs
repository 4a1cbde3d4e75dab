namespace Billing.Storage;

/// <summary>
/// Payments, one partition per invoice: a row per Stripe event id (RK = escaped event id; the insert is the dedup) and a
/// state row (RK <c>|state</c>, never an escaped id) holding what was received per Stripe invoice. An event row and the
/// new state are written in one entity-group transaction guarded by the state's ETag, so the split a payment gets is
/// decided once, against the state it saw, and concurrent events for one invoice serialize. Partition
/// <c>|unsettled</c> holds a marker per invoice whose effects (ledger, burn intent, invoice status) may be incomplete.
/// </summary>
public sealed class PaymentStore(BillingTables tables)
{
    private const string StateRowKey = "|state";
    private const string UnsettledPartition = "|unsettled";
    private readonly TableClient table = tables.Payments;

    /// <summary>Writes a bare event row without a decision (no state change). True when new, false for a replay.</summary>
    public Task<bool> TryAddAsync(PaymentRecord payment, CancellationToken cancellationToken) =>
        table.TryAddAsync(ToEntity(payment), cancellationToken);

    /// <summary>
    /// Records <paramref name="payment"/> together with the invoice's new payment <paramref name="state"/>, which must still be
    /// the one read with <paramref name="stateETag"/> (null: no state row existed).
    /// </summary>
    public Task<PaymentWrite> TryRecordAsync(PaymentRecord payment, InvoicePayments state, ETag? stateETag, CancellationToken cancellationToken)
    {
        var stateRow = new TableEntity(TableKey.Escape(payment.InvoiceId), StateRowKey) { ["Sources"] = WriteSources(state), ["CompletedBy"] = state.CompletedBy };
        return table.TryRecordWithStateAsync(ToEntity(payment), stateRow, stateETag, cancellationToken);
    }

    /// <summary>The event's row; null when there is none. A row that cannot be read throws <see cref="InvalidDataException"/> naming the property.</summary>
    public async Task<PaymentRecord?> GetAsync(string invoiceId, string stripeEventId, CancellationToken cancellationToken)
    {
        var row = await table.FindAsync(TableKey.Escape(invoiceId), TableKey.Escape(stripeEventId), null, cancellationToken).ConfigureAwait(false);
        return row is not null ? FromEntity(row) : null;
    }

    /// <summary>
    /// The invoice's payment state and its ETag (null when nothing was recorded yet). A state row that cannot be read
    /// throws <see cref="InvalidDataException"/>: what was received for the invoice is then unknown, and nothing may be
    /// decided or burned on a guess.
    /// </summary>
    public async Task<(InvoicePayments State, ETag? ETag)> GetStateAsync(string invoiceId, CancellationToken cancellationToken)
    {
        var row = await table.FindAsync(TableKey.Escape(invoiceId), StateRowKey, null, cancellationToken).ConfigureAwait(false);
        return row is not null ? (ReadState(row), row.ETag) : (InvoicePayments.Empty, null);
    }

    /// <summary>
    /// The payment event rows of one invoice, by time received. All or nothing: a row that cannot be read throws
    /// <see cref="InvalidDataException"/> naming it, since settling a part of an invoice's payments would act on a guess.
    /// </summary>
    public async Task<IReadOnlyList<PaymentRecord>> ListAsync(string invoiceId, CancellationToken cancellationToken)
    {
        var list = new List<PaymentRecord>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Escape(invoiceId)} and RowKey ne {StateRowKey}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(FromEntity(e));
        }

        return Ordered(list);
    }

    /// <summary>
    /// The invoices (by our id, from the payments' partitions) that payment events of Stripe invoice <paramref name="stripeInvoiceId"/>
    /// were recorded for, but for events recorded as not the payer's (<see cref="PaymentApplication.NotThePayers"/>).
    /// </summary>
    public Task<IReadOnlyList<string>> InvoicesPaidByAsync(string stripeInvoiceId, CancellationToken cancellationToken) =>
        InvoicesWhereAsync("StripeInvoiceId", stripeInvoiceId, cancellationToken);

    /// <summary>The invoices (by our id) that payment events naming payment intent <paramref name="paymentIntentId"/> were recorded for, but as above.</summary>
    public Task<IReadOnlyList<string>> InvoicesPaidThroughAsync(string paymentIntentId, CancellationToken cancellationToken) =>
        InvoicesWhereAsync("PaymentIntentId", paymentIntentId, cancellationToken);

    private async Task<IReadOnlyList<string>> InvoicesWhereAsync(string column, string value, CancellationToken cancellationToken)
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        string filter = TableClient.CreateQueryFilter($"PartitionKey ne {UnsettledPartition} and RowKey ne {StateRowKey} and ") + column + " eq " + TableClient.CreateQueryFilter($"{value}");
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "Reason"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            // A copy of the payer's Stripe invoice paid by someone else is recorded under the invoice it claims; what else happens
            // to that copy (a credit note, a refund) is not the invoice's.
            if (!(Enum.TryParse(EntityText.Of(e, "Reason"), ignoreCase: false, out UnappliedReason reason) && PaymentApplication.NotThePayers(reason)))
            {
                ids.Add(RowValues.PartitionId(e));
            }
        }

        return [.. ids];
    }

    /// <summary>Every invoice's payment event rows, by time received; rows that cannot be read apart, by Stripe event id.</summary>
    public async Task<StoredList<PaymentRecord>> ListAllAsync(CancellationToken cancellationToken)
    {
        var list = await StoredRows.ReadAsync(
            table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey ne {UnsettledPartition} and RowKey ne {StateRowKey}"), cancellationToken: cancellationToken),
            FromEntity, (e, ex) => StoredRows.ByKey(e, ex) with { InvoiceId = RowValues.PartitionId(e) }).ConfigureAwait(false);
        return list with { Items = Ordered([.. list.Items]) };
    }

    /// <summary>Every invoice's payment state, by invoice id; states that cannot be read apart, by invoice id.</summary>
    public Task<StoredList<KeyValuePair<string, InvoicePayments>>> ListStatesAsync(CancellationToken cancellationToken) =>
        StoredRows.ReadAsync(
            table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {StateRowKey}"), cancellationToken: cancellationToken),
            e => KeyValuePair.Create(InvoiceIdOf(new RowValues(e, "payment state")), ReadState(e)), StoredRows.ByInvoicePartition);

    /// <summary>
    /// Records on the event's row why Stripe does not confirm the payment (<see cref="PaymentRecord.StripeRefutation"/>), or
    /// that it now does (<paramref name="refutation"/> null: stored empty, so the merge clears it).
    /// </summary>
    public Task SetStripeRefutationAsync(string invoiceId, string stripeEventId, string? refutation, CancellationToken cancellationToken) =>
        table.UpdateEntityAsync(new TableEntity(TableKey.Escape(invoiceId), TableKey.Escape(stripeEventId)) { ["StripeRefutation"] = refutation ?? "" },
            ETag.All, TableUpdateMode.Merge, cancellationToken);

    /// <summary>
    /// Notes that the invoice's payment effects may be incomplete; written before anything else, so a crash leaves it. Every
    /// writer gets a fresh ETag, so a settler can only remove the marker it saw, never one a newer request just wrote.
    /// </summary>
    public async Task<ETag> MarkUnsettledAsync(string invoiceId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var response = await table.UpsertEntityAsync(new TableEntity(UnsettledPartition, TableKey.Escape(invoiceId)) { ["Since"] = at }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        return response.Headers.ETag ?? ETag.All;
    }

    /// <summary>Removes the marker if it is still the one with <paramref name="etag"/>.</summary>
    public async Task ClearUnsettledAsync(string invoiceId, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(UnsettledPartition, TableKey.Escape(invoiceId), etag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Gone, or re-marked by a newer request that will settle (or leave it for the timer).
        }
    }

    /// <summary>
    /// Invoices whose payment effects may be incomplete: the marker's time and ETag. A marker is only a hint (settling is
    /// idempotent and reads the stored payments), so one whose time is not a time (planted) counts as old and is settled,
    /// instead of failing the list and, with it, the timer that settles and burns for everyone.
    /// </summary>
    public async Task<IReadOnlyList<(string InvoiceId, DateTimeOffset Since, ETag ETag)>> ListUnsettledAsync(CancellationToken cancellationToken)
    {
        var list = new List<(string, DateTimeOffset, ETag)>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {UnsettledPartition}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add((RowValues.Id(e), e.TryGetValue("Since", out object? since) && since is DateTimeOffset at ? at : DateTimeOffset.MinValue, e.ETag));
        }

        return list;
    }

    private static TableEntity ToEntity(PaymentRecord payment) => new(TableKey.Escape(payment.InvoiceId), TableKey.Escape(payment.StripeEventId))
    {
        ["Payer"] = payment.Payer,
        ["AmountMinor"] = payment.AmountMinor,
        ["Currency"] = payment.Currency,
        ["StripeInvoiceId"] = payment.StripeInvoiceId,
        ["StripeCustomerId"] = payment.StripeCustomerId,
        ["PaymentIntentId"] = payment.PaymentIntentId,
        ["PaidAt"] = payment.PaidAt,
        ["ReceivedAt"] = payment.ReceivedAt,
        ["Resolution"] = payment.Resolution?.ToString(),
        ["Reason"] = payment.Reason == UnappliedReason.None ? null : payment.Reason.ToString(),
        ["Detail"] = payment.Detail,
        ["AmountText"] = payment.AmountText,
        ["DeltaMinor"] = payment.DeltaMinor,
        ["ToReceivableMinor"] = payment.ToReceivableMinor,
        ["ToCreditMinor"] = payment.ToCreditMinor,
        ["ToUnappliedMinor"] = payment.ToUnappliedMinor,
        ["StripeRefutation"] = payment.StripeRefutation,
    };

    private static IReadOnlyList<PaymentRecord> Ordered(List<PaymentRecord> list) =>
        [.. list.OrderBy(p => p.ReceivedAt).ThenBy(p => p.StripeEventId, StringComparer.Ordinal)];

    /// <summary>
    /// The payment a row holds, every property read as the type <see cref="ToEntity"/> writes it. A decision or reason that
    /// is no such name is refused too: read as "no decision", a planted resolution would be booked as a payment in full.
    /// </summary>
    private static PaymentRecord FromEntity(TableEntity e)
    {
        var v = new RowValues(e, "payment");
        return new(v.Key(), InvoiceIdOf(v), v.Text("Payer") ?? "", v.Int64("AmountMinor") ?? 0,
            v.Text("Currency") ?? "", v.Text("StripeInvoiceId"), v.Text("StripeCustomerId"), v.Text("PaymentIntentId"),
            v.Time("PaidAt") ?? default, v.Time("ReceivedAt") ?? default)
        {
            Resolution = v.Named<PaymentResolution>("Resolution"),
            Reason = v.Named<UnappliedReason>("Reason") ?? UnappliedReason.None,
            Detail = v.Text("Detail"),
            AmountText = v.Text("AmountText"),
            DeltaMinor = v.Int64("DeltaMinor") ?? 0,
            ToReceivableMinor = v.Int64("ToReceivableMinor") ?? 0,
            ToCreditMinor = v.Int64("ToCreditMinor") ?? 0,
            ToUnappliedMinor = v.Int64("ToUnappliedMinor") ?? 0,
            StripeRefutation = v.Text("StripeRefutation") is { Length: > 0 } refutation ? refutation : null,
        };
    }

    /// <summary>The invoice id a row's partition key holds (<see cref="TableKey.Escape"/>).</summary>
    private static string InvoiceIdOf(RowValues v) => v.Partition();

    private static string WriteSources(InvoicePayments state)
    {
        var sources = new JsonObject();
        foreach (var (id, s) in state.Sources.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sources[id] = new JsonObject { ["currency"] = s.Currency, ["amountMinor"] = s.AmountMinor, ["applied"] = s.Applied };
        }

        return sources.ToJsonString();
    }

    private static InvoicePayments ReadState(TableEntity row)
    {
        var v = new RowValues(row, "payment state");
        var sources = new Dictionary<string, PaymentSource>(StringComparer.Ordinal);
        string text = v.Text("Sources") ?? "{}";
        try
        {
            foreach (var (id, node) in JsonNode.Parse(text)?.AsObject() ?? [])
            {
                if (node?["currency"]?.GetValue<string>() is not { } currency || node["amountMinor"]?.GetValue<long>() is not { } amount
                    || node["applied"]?.GetValue<bool>() is not { } applied)
                {
                    throw v.Unreadable("Sources", $"source {id} is incomplete");
                }

                if (!StripeAmounts.IsRecordable(amount))
                {
                    // Never recorded (StripeAmounts): what the invoice received would be a sum that overflows.
                    throw v.Unreadable("Sources", $"source {id}: amountMinor {amount} is outside 0..{StripeAmounts.MaxMinor}");
                }

                sources[id] = new PaymentSource(currency, amount, applied);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw v.Unreadable("Sources", $"not the JSON this platform writes ({ex.Message})", ex);
        }

        return new InvoicePayments(sources, v.Text("CompletedBy"));
    }
}
