namespace Billing.Storage;

/// <summary>
/// Stripe credit notes, one partition per invoice (escaped id; <c>|unmatched</c> for notes no invoice of ours carries): a row
/// per Stripe event id (the insert is the dedup) and a state row <c>|state</c> with every credit note of the invoice. An event
/// row and the new state are written in one entity-group transaction guarded by the state's ETag, as payments are
/// (<see cref="PaymentStore"/>), so each note is decided once against the notes before it.
/// </summary>
public sealed class CreditNoteStore(BillingTables tables)
{
    public const string UnmatchedPartition = "|unmatched";
    private const string StateRowKey = "|state";
    private static readonly string Range = $"0..{StripeAmounts.MaxMinor} minor units";
    private readonly TableClient table = tables.Credits;

    /// <summary>
    /// Records <paramref name="record"/>; with <paramref name="state"/> (an invoice's notes afterwards, read with
    /// <paramref name="stateETag"/>, null when none existed) in the same transaction.
    /// </summary>
    public Task<PaymentWrite> TryRecordAsync(CreditNoteRecord record, InvoiceCredits? state, ETag? stateETag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        string partition = Partition(record.InvoiceId);
        var stateRow = state is null ? null : new TableEntity(partition, StateRowKey) { ["Notes"] = WriteNotes(state) };
        return table.TryRecordWithStateAsync(ToEntity(partition, record), stateRow, stateETag, cancellationToken);
    }

    /// <summary>Replaces the invoice's credit notes read with <paramref name="stateETag"/>; false when they changed since.</summary>
    public async Task<bool> TryReplaceStateAsync(string invoiceId, InvoiceCredits state, ETag stateETag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var row = new TableEntity(Partition(invoiceId), StateRowKey) { ["Notes"] = WriteNotes(state) };
        return await table.TryReplaceAsync(row, stateETag, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>The event's row under the invoice (null: unmatched); null when there is none. A row that cannot be read throws <see cref="InvalidDataException"/>.</summary>
    public async Task<CreditNoteRecord?> GetAsync(string? invoiceId, string stripeEventId, CancellationToken cancellationToken)
    {
        var row = await table.FindAsync(Partition(invoiceId), TableKey.Escape(stripeEventId), null, cancellationToken).ConfigureAwait(false);
        return row is not null ? FromEntity(row) : null;
    }

    /// <summary>The invoice's credit notes and the state row's ETag (null when none was recorded). A state row that cannot be read throws <see cref="InvalidDataException"/>.</summary>
    public async Task<(InvoiceCredits State, ETag? ETag)> GetStateAsync(string invoiceId, CancellationToken cancellationToken)
    {
        var row = await table.FindAsync(Partition(invoiceId), StateRowKey, null, cancellationToken).ConfigureAwait(false);
        return row is not null ? (ReadNotes(row), row.ETag) : (InvoiceCredits.Empty, null);
    }

    /// <summary>Every credit note event row, by time received; rows that cannot be read apart (by event id, with their invoice).</summary>
    public async Task<StoredList<CreditNoteRecord>> ListAllAsync(CancellationToken cancellationToken)
    {
        var list = await StoredRows.ReadAsync(
            table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey ne {StateRowKey}"), cancellationToken: cancellationToken),
            FromEntity, (e, ex) => StoredRows.ByKey(e, ex) with { InvoiceId = e.PartitionKey == UnmatchedPartition ? null : RowValues.PartitionId(e) }).ConfigureAwait(false);
        return list with { Items = [.. list.Items.OrderBy(r => r.ReceivedAt).ThenBy(r => r.Note.EventId, StringComparer.Ordinal)] };
    }

    /// <summary>Every invoice's credit notes, by invoice id; states that cannot be read apart, by invoice id.</summary>
    public Task<StoredList<KeyValuePair<string, InvoiceCredits>>> ListStatesAsync(CancellationToken cancellationToken) =>
        StoredRows.ReadAsync(
            table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {StateRowKey}"), cancellationToken: cancellationToken),
            e => KeyValuePair.Create(new RowValues(e, "credit note state").Partition(), ReadNotes(e)), StoredRows.ByInvoicePartition);

    private static string Partition(string? invoiceId) => invoiceId is null ? UnmatchedPartition : TableKey.Escape(invoiceId);

    private static TableEntity ToEntity(string partition, CreditNoteRecord r) => new(partition, TableKey.Escape(r.Note.EventId))
    {
        ["CreditNoteId"] = r.Note.CreditNoteId,
        ["StripeInvoiceId"] = r.Note.StripeInvoiceId,
        ["Voided"] = r.Note.Voided,
        ["Currency"] = r.Note.Currency,
        ["AmountMinor"] = r.Note.Amounts.AmountMinor,
        ["PrePaymentMinor"] = r.Note.Amounts.PrePaymentMinor,
        ["PostPaymentMinor"] = r.Note.Amounts.PostPaymentMinor,
        ["RefundedMinor"] = r.Note.Amounts.RefundedMinor,
        ["OutOfBandMinor"] = r.Note.Amounts.OutOfBandMinor,
        ["At"] = r.Note.At,
        ["Problem"] = r.Note.Problem,
        ["ReceivedAt"] = r.ReceivedAt,
        ["Resolution"] = r.Resolution.ToString(),
        ["Reason"] = r.Reason.ToString(),
        ["Detail"] = r.Detail,
    };

    /// <summary>The record a row holds, every property read as <see cref="ToEntity"/> writes it; anything else names the property.</summary>
    private static CreditNoteRecord FromEntity(TableEntity e)
    {
        var v = new RowValues(e, "credit note");
        var note = new IncomingCreditNote(v.Key(), v.Text("CreditNoteId", required: true)!, v.Text("StripeInvoiceId", required: true)!, v.Boolean("Voided") ?? false,
            v.Text("Currency", required: true)!,
            new CreditNoteAmounts(Minor(v, "AmountMinor"), Minor(v, "PrePaymentMinor"), Minor(v, "PostPaymentMinor"), Minor(v, "RefundedMinor"), Minor(v, "OutOfBandMinor")),
            v.Time("At", required: true)!.Value, v.Text("Problem"));
        return new CreditNoteRecord(note, e.PartitionKey == UnmatchedPartition ? null : v.Partition(), v.Time("ReceivedAt", required: true)!.Value)
        {
            Resolution = v.Named<PaymentResolution>("Resolution") ?? throw v.Unreadable("Resolution", "missing"),
            Reason = v.Named<CreditNoteReason>("Reason") ?? CreditNoteReason.None,
            Detail = v.Text("Detail") ?? "",
        };
    }

    private static long Minor(RowValues v, string name) => v.Int64(name) switch
    {
        null => throw v.Unreadable(name, "missing, Edm.Int64 expected"),
        var minor when !StripeAmounts.IsRecordable(minor.Value) => throw v.Unreadable(name, $"{minor} is outside {Range}"),
        var minor => minor.Value,
    };

    private static string WriteNotes(InvoiceCredits state)
    {
        var notes = new JsonObject();
        foreach (var (id, n) in state.Notes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            notes[id] = new JsonObject
            {
                ["stripeInvoiceId"] = n.StripeInvoiceId, ["currency"] = n.Currency, ["amountMinor"] = n.Amounts.AmountMinor,
                ["prePaymentMinor"] = n.Amounts.PrePaymentMinor, ["postPaymentMinor"] = n.Amounts.PostPaymentMinor, ["refundedMinor"] = n.Amounts.RefundedMinor,
                ["outOfBandMinor"] = n.Amounts.OutOfBandMinor, ["applied"] = n.Applied, ["reason"] = n.Reason.ToString(),
                ["issuedAt"] = n.IssuedAt.ToUnixTimeMilliseconds(), ["recordedBy"] = n.RecordedBy,
                ["voidedBy"] = n.VoidedBy, ["voidedAt"] = n.VoidedAt?.ToUnixTimeMilliseconds(),
            };
        }

        return notes.ToJsonString();
    }

    private static InvoiceCredits ReadNotes(TableEntity row)
    {
        var v = new RowValues(row, "credit note state");
        var notes = new Dictionary<string, CreditNoteEntry>(StringComparer.Ordinal);
        try
        {
            foreach (var (id, n) in JsonNode.Parse(v.Text("Notes") ?? "{}")?.AsObject() ?? [])
            {
                if (n is null || !Enum.TryParse(Need(n, "reason").GetValue<string>(), out CreditNoteReason reason) || !Enum.IsDefined(reason))
                {
                    throw v.Unreadable("Notes", $"credit note {id} is incomplete");
                }

                notes[id] = new CreditNoteEntry(id, Need(n, "stripeInvoiceId").GetValue<string>(), Need(n, "currency").GetValue<string>(),
                    new CreditNoteAmounts(Amount(n, "amountMinor"), Amount(n, "prePaymentMinor"), Amount(n, "postPaymentMinor"), Amount(n, "refundedMinor"), Amount(n, "outOfBandMinor")),
                    Need(n, "applied").GetValue<bool>(), reason,
                    DateTimeOffset.FromUnixTimeMilliseconds(Need(n, "issuedAt").GetValue<long>()), Need(n, "recordedBy").GetValue<string>())
                {
                    VoidedBy = n["voidedBy"]?.GetValue<string>(),
                    VoidedAt = n["voidedAt"]?.GetValue<long>() is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null,
                };
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentOutOfRangeException)
        {
            throw v.Unreadable("Notes", $"not the JSON this platform writes ({ex.Message})", ex);
        }

        return new InvoiceCredits(notes);
    }

    private static JsonNode Need(JsonNode node, string name) => node[name] ?? throw new FormatException($"'{name}' is missing");

    private static long Amount(JsonNode node, string name) =>
        Need(node, name).GetValue<long>() is var minor && StripeAmounts.IsRecordable(minor) ? minor : throw new FormatException($"'{name}' {minor} is outside {Range}");
}
