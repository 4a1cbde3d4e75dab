namespace Billing.Publishing;

/// <summary>
/// Where ingestion publishes accepted usage. Bound from <see cref="Section"/>. A class rather than a record on purpose:
/// a record's generated <c>ToString</c> would print <see cref="ConnectionString"/> into logs.
/// </summary>
public sealed class PublishingOptions
{
    public const string Section = "Billing:Publishing";

    /// <summary>
    /// Event Hubs namespace host, e.g. <c>billing-ehns-x.servicebus.windows.net</c>: the app authenticates with its managed
    /// identity (DefaultAzureCredential; AZURE_CLIENT_ID names the user-assigned identity). Set this or <see cref="ConnectionString"/>.
    /// </summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>A namespace connection string (without EntityPath), for local runs against an emulator or shared-key namespaces.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Local runs only: the DevHost's address (e.g. <c>http://127.0.0.1:7071/</c>), whose in-process hubs stand in for
    /// Event Hubs (see <see cref="DevHostUsagePublisher"/>). The DevHost sets it for the handler it starts.
    /// </summary>
    public Uri? DevHostEndpoint { get; set; }

    /// <summary>
    /// Payers whose events are spread over their fact shards (partition key <c>{payer}|{shard}</c>) instead of all going
    /// through one hub partition; for carriers whose volume one metering instance cannot keep up with.
    /// </summary>
    public IList<string> HotPayers { get; } = [];

    /// <summary>How long one attempt to create a batch or send may take before the SDK retries it.</summary>
    public TimeSpan TryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of a transient failure inside the SDK (exponential back-off) before the publish fails.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Upper bound of one publish call, retries included; past it the partner gets 503 (well inside the host's 230 s HTTP limit).</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
