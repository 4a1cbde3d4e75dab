namespace Billing.Storage;

/// <summary>
/// The fact shard count a deployment's storage holds its facts in (<see cref="StorageOptions.FactShards"/>), recorded by
/// its first start in the facts table's partition <c>config</c> (fact partitions end in <c>|NN</c>, so none is named so),
/// row <c>fact-shards</c>. The shard of an event is part of its dedup key and where every read looks for its fact, so the
/// count is fixed for the life of the storage: every start records its count unless one is recorded (insert-if-absent,
/// so instances starting together agree on one) and is refused when its count is another (<c>StartupInitializer</c>).
/// Storage that held facts before the count was recorded takes the count configured at the first start that records it.
/// </summary>
public sealed class FactShardsRecord(BillingTables tables)
{
    public const string Partition = "config";

    public const string RowKey = "fact-shards";

    private const string CountProperty = "FactShards";

    /// <summary>Where the count is recorded (table, partition, row), for messages.</summary>
    public string Location => $"table '{tables.Facts.Name}', partition '{Partition}', row '{RowKey}'";

    /// <summary>
    /// The recorded count: this instance's (<see cref="StorageOptions.FactShards"/>), recorded now with
    /// <paramref name="recordedAt"/>, when none is recorded yet; otherwise the one recorded before. A row this platform
    /// did not write (no count in range) throws <see cref="InvalidDataException"/> naming it; storage failures are thrown as
    /// they come (a transient one is the caller's to retry, never read as a count).
    /// </summary>
    public async Task<int> EnsureAsync(DateTimeOffset recordedAt, CancellationToken cancellationToken)
    {
        int configured = tables.Options.FactShards;
        var row = new TableEntity(Partition, RowKey) { [CountProperty] = configured, ["RecordedAt"] = recordedAt };
        if (await tables.Facts.TryAddAsync(row, cancellationToken).ConfigureAwait(false))
        {
            return configured;
        }

        var stored = new RowValues((await tables.Facts.GetEntityAsync<TableEntity>(Partition, RowKey, cancellationToken: cancellationToken).ConfigureAwait(false)).Value, "fact shard count");
        return stored.Int32(CountProperty) is int count and >= 1 and <= StorageOptions.MaxFactShards
            ? count
            : throw stored.Unreadable(CountProperty, $"a shard count from 1 to {StorageOptions.MaxFactShards} expected. Delete the row to record Billing:Storage:FactShards as configured at the next start, once it is the count the facts were stored with");
    }
}
