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

    public async Task<(BurnIntent Intent, ETag ETag)?> GetAsync(string burnId, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(BurnPartition, TableKey.Escape(burnId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? (FromEntity(row.Value!), row.Value!.ETag) : null;
    }

    /// <summary>Replaces the intent if nobody changed it since <paramref name="etag"/>; returns the new ETag, or null when it lost the race.</summary>
    public Task<ETag?> TryReplaceAsync(BurnIntent intent, ETag etag, CancellationToken cancellationToken) =>
        table.TryReplaceAsync(ToEntity(intent), etag, cancellationToken);

    public async Task<IReadOnlyList<BurnIntent>> ListAsync(string? invoiceId, CancellationToken cancellationToken)
    {
        string filter = invoiceId is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {BurnPartition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {BurnPartition} and InvoiceId eq {invoiceId}");
        var list = await QueryAsync(filter, cancellationToken).ConfigureAwait(false);
        return list.OrderBy(b => b.CreatedAt).ThenBy(b => b.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Intents not yet finalized, failed or skipped, oldest first; in-flight ones (signed, submitted) before pending ones.</summary>
    public async Task<IReadOnlyList<BurnIntent>> ListOpenAsync(CancellationToken cancellationToken)
    {
        var list = await QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {BurnPartition} and Open eq {true}"), cancellationToken).ConfigureAwait(false);
        return list.OrderBy(b => b.Status == BurnStatus.Pending).ThenBy(b => b.CreatedAt).ThenBy(b => b.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Takes (or renews) the single executor lease of a treasury. True when <paramref name="owner"/> holds it until
    /// <paramref name="now"/> + <paramref name="duration"/>; false when another live owner holds it.
    /// </summary>
    public Task<bool> TryAcquireLeaseAsync(string treasury, string owner, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken) =>
        TableLease.TryAcquireAsync(table, LeasePartition, TableKey.Escape(treasury), owner, duration, now, cancellationToken);

    public Task ReleaseLeaseAsync(string treasury, string owner, CancellationToken cancellationToken) =>
        TableLease.ReleaseAsync(table, LeasePartition, TableKey.Escape(treasury), owner, cancellationToken);

    private async Task<List<BurnIntent>> QueryAsync(string filter, CancellationToken cancellationToken)
    {
        var list = new List<BurnIntent>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(FromEntity(row));
        }

        return list;
    }

    private static TableEntity ToEntity(BurnIntent b) => new(BurnPartition, TableKey.Escape(b.Id))
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

    private static BurnIntent FromEntity(TableEntity e) => new()
    {
        Id = TableKey.Unescape(e.RowKey),
        InvoiceId = e.GetString("InvoiceId")!,
        Payer = e.GetString("Payer")!,
        PaymentId = e.GetString("PaymentId")!,
        UsdMinor = e.GetInt64("UsdMinor") ?? 0,
        Currency = e.GetString("Currency")!,
        Status = Enum.Parse<BurnStatus>(e.GetString("Status")!),
        Price = e.GetInt64("PriceMantissa") is { } m
            ? new PriceQuote(m, e.GetInt32("PriceExponent") ?? 0, e.GetInt64("PriceConfidence") ?? 0, e.GetDateTimeOffset("PricePublishTime") ?? default, e.GetString("PriceSource") ?? "")
            : null,
        TokenAmount = ulong.Parse(e.GetString("TokenAmount") ?? "0", System.Globalization.CultureInfo.InvariantCulture),
        Decimals = e.GetInt32("Decimals") ?? 0,
        Mint = e.GetString("Mint"),
        Transaction = e.GetString("Transaction"),
        Signature = e.GetString("Signature"),
        LastValidBlockHeight = e.GetInt64("LastValidBlockHeight") is { } h ? (ulong)h : null,
        Slot = e.GetInt64("Slot") is { } s ? (ulong)s : null,
        Signings = e.GetInt32("Signings") ?? 0,
        Reason = e.GetString("Reason"),
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
        UpdatedAt = e.GetDateTimeOffset("UpdatedAt") ?? default,
    };
}
