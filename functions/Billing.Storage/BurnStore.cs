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

    /// <summary>
    /// Intents not yet finalized, failed or skipped, oldest first; in-flight ones (signed, submitted) before pending ones.
    /// A row that cannot be read is listed apart with the reason instead of failing the list: the executor must go on
    /// burning for every other paid invoice.
    /// </summary>
    public async Task<OpenBurns> ListOpenAsync(CancellationToken cancellationToken)
    {
        var intents = new List<BurnIntent>();
        var unreadable = new List<UnreadableBurn>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {BurnPartition} and Open eq {true}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            try
            {
                intents.Add(FromEntity(row));
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException or OverflowException)
            {
                // GetString and friends throw InvalidOperationException for another stored type; the parses the others.
                unreadable.Add(new UnreadableBurn(TableKey.Unescape(row.RowKey), WrongTypes(row) is { Length: > 0 } found ? found : ex.Message));
            }
        }

        return new OpenBurns([.. intents.OrderBy(b => b.Status == BurnStatus.Pending).ThenBy(b => b.CreatedAt).ThenBy(b => b.Id, StringComparer.Ordinal)], unreadable);
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

    /// <summary>The type every property of an intent row is written with (<see cref="ToEntity"/>).</summary>
    private static readonly Dictionary<string, Type> WrittenTypes = new(StringComparer.Ordinal)
    {
        ["InvoiceId"] = typeof(string), ["Payer"] = typeof(string), ["PaymentId"] = typeof(string), ["Currency"] = typeof(string),
        ["Status"] = typeof(string), ["PriceSource"] = typeof(string), ["TokenAmount"] = typeof(string), ["Mint"] = typeof(string),
        ["Transaction"] = typeof(string), ["Signature"] = typeof(string), ["Reason"] = typeof(string),
        ["UsdMinor"] = typeof(long), ["PriceMantissa"] = typeof(long), ["PriceConfidence"] = typeof(long), ["LastValidBlockHeight"] = typeof(long), ["Slot"] = typeof(long),
        ["PriceExponent"] = typeof(int), ["Decimals"] = typeof(int), ["Signings"] = typeof(int),
        ["PricePublishTime"] = typeof(DateTimeOffset), ["CreatedAt"] = typeof(DateTimeOffset), ["UpdatedAt"] = typeof(DateTimeOffset),
    };

    /// <summary>Which properties of <paramref name="row"/> hold another type than the one written, e.g. <c>UsdMinor holds String, Int64 written</c>.</summary>
    private static string WrongTypes(TableEntity row) => string.Join("; ", row
        .Where(p => p.Value is not null && WrittenTypes.TryGetValue(p.Key, out var type) && p.Value.GetType() != type)
        .Select(p => $"{p.Key} holds {p.Value!.GetType().Name}, {WrittenTypes[p.Key].Name} written"));

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
