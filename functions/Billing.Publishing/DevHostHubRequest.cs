namespace Billing.Publishing;

/// <summary>What the DevHost's hub route takes: the events of one partition key, in order.</summary>
/// <param name="PartitionKey">The Event Hubs partition key (see <see cref="UsagePartitioner"/>).</param>
/// <param name="Events">The events, each the UTF-8 JSON text of one structured CloudEvent.</param>
public sealed record DevHostHubRequest(string PartitionKey, IReadOnlyList<string> Events);
