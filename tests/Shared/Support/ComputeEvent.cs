using System.Text.Json.Nodes;

namespace Billing.Tests.Shared;

/// <summary>
/// GPU usage of a lease (<c>depin.compute.usage.v1</c>) as its provider posts it (the source is the provider,
/// provider-nodeops unless told); an hour unless told.
/// </summary>
public sealed record ComputeEvent(string Id, string Lease, string GpuModel, int GpuCount, DateTimeOffset End)
    : UsageEvent("depin.compute.usage.v1", "provider-nodeops", Id, End, TimeSpan.FromHours(1))
{
    public string Tenant { get; init; } = "tenant-lab";

    protected override JsonObject Data() => new()
    {
        ["leaseId"] = Lease,
        ["tenantId"] = Tenant,
        ["providerId"] = Source,
        ["gpuModel"] = GpuModel,
        ["gpuCount"] = GpuCount,
        ["intervalStart"] = SampleEvents.Time(End - Duration),
        ["intervalEnd"] = SampleEvents.Time(End),
    };
}
