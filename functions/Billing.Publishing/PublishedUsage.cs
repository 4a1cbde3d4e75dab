namespace Billing.Publishing;

/// <summary>
/// One accepted usage event to publish: the hub of its type, the partition key that keeps all events of one fact
/// partition on one hub partition (see <see cref="UsagePartitioner"/>), the event as UTF-8 JSON (structured CloudEvent),
/// and its CloudEvents type (one hub carries every declared type, so the hub alone does not name it).
/// </summary>
public sealed record PublishedUsage(UsageHub Hub, string PartitionKey, ReadOnlyMemory<byte> Body, string Type);
