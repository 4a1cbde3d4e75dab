namespace Billing.Functions.Metering;

/// <summary>Reads an eventHubTrigger invocation (cardinality many) into a <see cref="MeteringBatch"/>.</summary>
public static class MeteringBatchReader
{
    public static MeteringBatch Read(InvocationRequest invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var events = HostJson.StringItems(invocation.Binding("events"));
        var enqueued = HostJson.ArrayItems(invocation.Meta("EnqueuedTimeUtcArray")).Select(e => HostJson.Time(e)).ToList();
        var sequence = HostJson.ArrayItems(invocation.Meta("SequenceNumberArray")).Select(e => HostJson.GetInt64(e)).ToList();
        string? partitionId = invocation.Meta("PartitionContext") is { } pc ? HostJson.GetString(HostJson.Property(HostJson.Unwrap(pc), "PartitionId")) : null;
        return new MeteringBatch(events, enqueued, sequence, partitionId);
    }
}
