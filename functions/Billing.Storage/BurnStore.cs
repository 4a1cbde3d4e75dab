using Billing.Domain.Burns;

namespace Billing.Storage;

/// <summary>
/// Burn intents (PK <c>burn</c>, RK burn id) and the per-treasury executor lease (PK <c>lease</c>, RK treasury).
/// Every state change is a replace guarded by the row's ETag, so two executors can never both act on one intent.
/// </summary>
public sealed class BurnStore(BillingTables tables)
{
    private const string BurnPartition = "burn";
    private const string LeasePartition = "lease";
    private readonly TableClient table = tables.Burns;

    /// <summary>Creates the intent unless one exists for the same id (a replayed payment); returns the stored one.</summary>
    public async Task<(BurnIntent Intent, bool Created)> CreateIfAbsentAsync(BurnIntent intent, CancellationToken cancellationToken)
    {
        return await table.TryAddAsync(ToEntity(intent), cancellationToken).ConfigureAwait(false)
            ? (intent, true)
            : ((await GetAsync(intent.Id, cancellationToken).ConfigureAwait(false))!.Value.Intent, false);
    }

    /// <summary>The intent and its ETag; null when there is none. A row that cannot be read throws <see cref="InvalidDataException"/> naming the property.</summary>
    public Task<(BurnIntent Intent, ETag ETag)?> GetAsync(string burnId, CancellationToken cancellationToken) =>
        table.FindAsync(BurnPartition, TableKey.Escape(burnId), FromEntity, cancellationToken);

    /// <summary>Whether a burn row keeps these releases (the history of one burn is one table property).</summary>
    public static bool KeepsReleases(IReadOnlyList<BurnRelease> releases) => BurnReleaseColumns.Fits(releases);

    /// <summary>Replaces the intent if nobody changed it since <paramref name="etag"/>; returns the new ETag, or null when it lost the race.</summary>
    public Task<ETag?> TryReplaceAsync(BurnIntent intent, ETag etag, CancellationToken cancellationToken) =>
        table.TryReplaceAsync(ToEntity(intent), etag, cancellationToken);

    /// <summary>
    /// Every intent, or those of one invoice (its <c>InvoiceId</c>, or the row of its id <see cref="BurnIntent.IdFor"/>, so a row
    /// whose invoice id was changed to another type still shows as unreadable), oldest first. Rows that cannot be read are
    /// listed apart with the reason instead of failing the list. An invoice id too long for its burn's row key to exist
    /// is looked for by <c>InvoiceId</c> alone: storage refuses a filter naming a key it could not hold.
    /// </summary>
    public async Task<StoredList<BurnIntent>> ListAsync(string? invoiceId, CancellationToken cancellationToken)
    {
        string? rowKey = invoiceId is null ? null : TableKey.Escape(BurnIntent.IdFor(invoiceId));
        string filter = invoiceId is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {BurnPartition}")
            : TableKey.CanExist(rowKey!)
                ? TableClient.CreateQueryFilter($"PartitionKey eq {BurnPartition} and (InvoiceId eq {invoiceId} or RowKey eq {rowKey})")
                : TableClient.CreateQueryFilter($"PartitionKey eq {BurnPartition} and InvoiceId eq {invoiceId}");
        var list = await QueryAsync(filter, cancellationToken).ConfigureAwait(false);
        return list with { Items = [.. list.Items.OrderBy(b => b.CreatedAt).ThenBy(b => b.Id, StringComparer.Ordinal)] };
    }

    /// <summary>
    /// Intents not yet finalized, failed or skipped, oldest first; in-flight ones (signed, submitted) before pending ones.
    /// A row that cannot be read is listed apart with the reason instead of failing the list: the executor must go on
    /// burning for every other paid invoice.
    /// </summary>
    public async Task<StoredList<BurnIntent>> ListOpenAsync(CancellationToken cancellationToken)
    {
        var list = await QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {BurnPartition} and Open eq {true}"), cancellationToken).ConfigureAwait(false);
        return list with { Items = [.. list.Items.OrderBy(b => b.Status == BurnStatus.Pending).ThenBy(b => b.CreatedAt).ThenBy(b => b.Id, StringComparer.Ordinal)] };
    }

    /// <summary>
    /// Takes (or renews) the single executor lease of a treasury: acquired when <paramref name="owner"/> holds it until
    /// <paramref name="now"/> + <paramref name="duration"/>, not while another live owner holds it. A lease row that cannot
    /// be read counts as expired (<see cref="LeaseAcquisition.Unreadable"/> says why).
    /// </summary>
    public Task<LeaseAcquisition> TryAcquireLeaseAsync(string treasury, string owner, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken) =>
        TableLease.TryAcquireAsync(table, LeasePartition, TableKey.Escape(treasury), owner, duration, now, cancellationToken);

    public Task ReleaseLeaseAsync(string treasury, string owner, CancellationToken cancellationToken) =>
        TableLease.ReleaseAsync(table, LeasePartition, TableKey.Escape(treasury), owner, cancellationToken);

    private Task<StoredList<BurnIntent>> QueryAsync(string filter, CancellationToken cancellationToken) =>
        StoredRows.ReadAsync(
            table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken),
            FromEntity, (row, ex) => StoredRows.ByKey(row, ex) with { MayBeInFlight = MayHaveBeenSent(row) });

    /// <summary>Signed before the first send, so a row without a signature was never sent; anything else there might have been.</summary>
    private static bool MayHaveBeenSent(TableEntity row) =>
        row.TryGetValue("Signature", out object? signature) && signature is not null && !(signature is string text && text.Length == 0);

    private static TableEntity ToEntity(BurnIntent b)
    {
        var row = new TableEntity(BurnPartition, TableKey.Escape(b.Id))
        {
            ["InvoiceId"] = b.InvoiceId,
            ["Payer"] = b.Payer,
            ["PaymentId"] = b.PaymentId,
            ["UsdMinor"] = b.UsdMinor,
            ["Currency"] = b.Currency,
            ["Status"] = b.Status.ToString(),
            ["Open"] = !b.IsTerminal,
            ["PriceMantissa"] = b.Price?.Mantissa,
            ["PriceExponent"] = b.Price?.Exponent,
            ["PriceConfidence"] = b.Price?.Confidence,
            ["PricePublishTime"] = b.Price?.PublishTime,
            ["PriceSource"] = b.Price?.Source,
            ["TokenAmount"] = b.TokenAmount.ToString(System.Globalization.CultureInfo.InvariantCulture), // u64 does not fit Edm.Int64
            ["Decimals"] = b.Decimals,
            ["Mint"] = b.Mint,
            ["Transaction"] = b.Transaction,
            ["Signature"] = b.Signature,
            ["LastValidBlockHeight"] = b.LastValidBlockHeight is { } h ? checked((long)h) : null,
            ["Slot"] = b.Slot is { } s ? checked((long)s) : null,
            ["Signings"] = b.Signings,
            ["Reason"] = b.Reason,
            ["CreatedAt"] = b.CreatedAt,
            ["UpdatedAt"] = b.UpdatedAt,
        };
        BurnReleaseColumns.Write(row, b.Releases);
        return row;
    }

    /// <summary>
    /// The intent a row holds, every property read as the type <see cref="ToEntity"/> writes it; anything else (a planted
    /// value, a status or token amount that is no such thing) is an <see cref="InvalidDataException"/> naming the property.
    /// </summary>
    private static BurnIntent FromEntity(TableEntity e)
    {
        var v = new RowValues(e, "burn intent");
        long usdMinor = v.Int64("UsdMinor") ?? 0;
        return new BurnIntent
        {
            Id = v.Key(),
            InvoiceId = v.Text("InvoiceId")!,
            Payer = v.Text("Payer")!,
            PaymentId = v.Text("PaymentId")!,
            UsdMinor = usdMinor,
            Currency = v.Text("Currency")!,
            Status = Status(v),
            Price = v.Int64("PriceMantissa") is { } m
                ? new PriceQuote(m, v.Int32("PriceExponent") ?? 0, v.Int64("PriceConfidence") ?? 0, v.Time("PricePublishTime") ?? default, v.Text("PriceSource") ?? "")
                : null,
            TokenAmount = ulong.TryParse(v.Text("TokenAmount") ?? "0", NumberStyles.None, CultureInfo.InvariantCulture, out ulong tokens)
                ? tokens
                : throw v.Unreadable("TokenAmount", $"'{v.Text("TokenAmount")}' is no amount of base units"),
            Decimals = v.Int32("Decimals") ?? 0,
            Mint = v.Text("Mint"),
            Transaction = v.Text("Transaction"),
            Signature = v.Text("Signature"),
            LastValidBlockHeight = Unsigned(v, "LastValidBlockHeight"),
            Slot = Unsigned(v, "Slot"),
            Signings = v.Int32("Signings") ?? 0,
            Reason = v.Text("Reason"),
            Releases = BurnReleaseColumns.Read(v, usdMinor),
            CreatedAt = v.Time("CreatedAt") ?? default,
            UpdatedAt = v.Time("UpdatedAt") ?? default,
        };
    }

    /// <summary>The status as written (its name); a number or an unknown name is not one.</summary>
    private static BurnStatus Status(RowValues v)
    {
        string text = v.Text("Status", required: true)!;
        foreach (var status in Enum.GetValues<BurnStatus>())
        {
            if (status.ToString() == text)
            {
                return status;
            }
        }

        throw v.Unreadable("Status", $"'{text}' is no burn status");
    }

    /// <summary>A u64 stored as <c>Edm.Int64</c> (<see cref="ToEntity"/> checks it fits), so never negative.</summary>
    private static ulong? Unsigned(RowValues v, string name) => v.Int64(name) switch
    {
        null => null,
        >= 0 and var n => (ulong)n,
        var n => throw v.Unreadable(name, $"{n} is negative"),
    };
}
