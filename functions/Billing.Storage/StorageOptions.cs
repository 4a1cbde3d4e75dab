namespace Billing.Storage;

/// <summary>Where the tables live. Bound from <c>Billing:Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Billing:Storage";

    /// <summary>A connection string (Azurite, or shared-key accounts), or empty when <see cref="TableServiceUri"/> is used with a managed identity.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>e.g. <c>https://account.table.core.windows.net</c>; used with DefaultAzureCredential-style identity when no connection string is set.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Prefix for every table name, so several environments can share an account.</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{0,20}$", ErrorMessage = "TablePrefix must start with a letter and hold only letters and digits (at most 21).")]
    public string TablePrefix { get; set; } = "billing";

    /// <summary>
    /// Partitions per payer for usage facts (spreads a hot payer over partitions). Fixed for the life of a
    /// deployment: the shard of an event is part of its dedup key.
    /// </summary>
    [Range(1, 64)]
    public int FactShards { get; set; } = 8;

    /// <summary>Entity-group transactions written in parallel per invocation.</summary>
    [Range(1, 64)]
    public int MaxParallelWrites { get; set; } = 8;
}
