namespace Billing.DevHost;

/// <summary>One event as a partition holds it.</summary>
public sealed record HubEvent(long SequenceNumber, long Offset, DateTimeOffset EnqueuedTime, string Body, string? PartitionKey);
