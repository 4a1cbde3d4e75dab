namespace Billing.Publishing;

/// <summary>
/// One accepted usage event to publish: the hub of its type, the partition key that keeps all events of one fact
/// partition on one hub partition (see <see cref="UsagePartitioner"/>), and the event as UTF-8 JSON (structured CloudEvent).
/// </summary>
public sealed record PublishedUsage(UsageHub Hub, string PartitionKey, ReadOnlyMemory<byte> Body);
