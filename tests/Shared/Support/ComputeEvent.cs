using System.Text.Json.Nodes;

namespace Billing.Tests.Shared;

/// <summary>
/// An interval of GPU usage of a lease (CONTRACT §3, <c>depin.compute.usage.v1</c>) as a provider posts it; the event
/// time is the interval's end. Optional attributes are left out while null.
/// </summary>
public sealed record ComputeEvent(string Id, string Lease, string GpuModel, int GpuCount, DateTimeOffset End)
{
    public const string Type = "depin.compute.usage.v1";

    public string Provider { get; init; } = "provider-nodeops";

    public string Tenant { get; init; } = "tenant-lab";

    /// <summary>How long the interval ran: <c>intervalStart</c> is <see cref="End"/> minus this.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(1);

    public string? Subject { get; init; }

    public string? DataContentType { get; init; }

    public JsonObject ToJson()
    {
        var data = new JsonObject
        {
            ["leaseId"] = Lease,
            ["tenantId"] = Tenant,
            ["providerId"] = Provider,
            ["gpuModel"] = GpuModel,
            ["gpuCount"] = GpuCount,
            ["intervalStart"] = SampleEvents.Time(End - Duration),
            ["intervalEnd"] = SampleEvents.Time(End),
        };
        return SampleEvents.Envelope(Type, Provider, Id, End, Subject, DataContentType, data);
    }

    public string ToJsonString() => ToJson().ToJsonString();
}
