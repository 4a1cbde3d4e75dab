namespace Billing.Storage;

/// <summary>Where the tables live. Bound from <c>Billing:Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Billing:Storage";

    /// <summary>A connection string (Azurite, or shared-key accounts), or empty when <see cref="TableServiceUri"/> is used with a managed identity.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>e.g. <c>https://account.table.core.windows.net</c>; used with DefaultAzureCredential-style identity when no connection string is set.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Longest name of an Azure table (3-63 letters and digits).</summary>
    public const int MaxTableNameLength = 63;

    /// <summary>
    /// The longest <see cref="TablePrefix"/>, the lesser of two limits: a table name is at most <see cref="MaxTableNameLength"/>
    /// and the longest name the prefix goes before is <c>quarantine</c> (10), which leaves 53; and the prefix is the ledger's
    /// name on chain unless <c>Billing:Ledger:Name</c> is set, which is at most <see cref="AnchorMemo.MaxLedgerLength"/> (a
    /// longer prefix would silently name every deployment's ledger "billing", so deployments sharing a treasury would share
    /// burn markers). infra/main.bicep caps its <c>tablePrefix</c> parameter alike; a test derives both from the tables the app uses.
    /// </summary>
    public const int MaxTablePrefixLength = MaxTableNameLength - 10 < AnchorMemo.MaxLedgerLength ? MaxTableNameLength - 10 : AnchorMemo.MaxLedgerLength;

    /// <summary>Prefix for every table name, so several environments can share an account.</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]*$", ErrorMessage = "TablePrefix must start with a letter and hold only letters and digits.")]
    [MaxLength(MaxTablePrefixLength, ErrorMessage = "TablePrefix is at most {1} characters: it names the tables (with the longest, quarantine, at most 63) and, unless Billing:Ledger:Name is set, the ledger on chain.")]
    public string TablePrefix { get; set; } = "billing";

    /// <summary>
    /// True when the tables are on this machine: the storage emulator's development connection string, or a table endpoint on a
    /// loopback host (how Azurite is named). Only then are the local runs' public credentials accepted (see the Application's
    /// <c>PublicLocalCredentials</c>); a managed identity's <see cref="TableServiceUri"/> is never local.
    /// </summary>
    public bool TablesOnThisMachine
    {
        get
        {
            if (string.IsNullOrWhiteSpace(ConnectionString))
            {
                return false;
            }

            var parts = ConnectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => p.Split('=', 2, StringSplitOptions.TrimEntries)).Where(p => p.Length == 2)
                .ToLookup(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
            if (parts["UseDevelopmentStorage"].Any(v => string.Equals(v, "true", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }

            return parts["TableEndpoint"].ToList() is [{ } endpoint]
                && Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri) && uri.IsLoopback;
        }
    }

    /// <summary>The most <see cref="FactShards"/>.</summary>
    public const int MaxFactShards = 64;

    /// <summary>
    /// Partitions per payer for usage facts (spreads a hot payer over partitions). Fixed for the life of a
    /// deployment: the shard of an event is part of its dedup key. The first start records it in storage
    /// (<see cref="FactShardsRecord"/>), and a start with another count is refused.
    /// </summary>
    [Range(1, MaxFactShards)]
    public int FactShards { get; set; } = 8;

    /// <summary>Entity-group transactions written in parallel per invocation.</summary>
    [Range(1, 64)]
    public int MaxParallelWrites { get; set; } = 8;
}
