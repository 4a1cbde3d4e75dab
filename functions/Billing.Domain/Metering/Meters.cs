namespace Billing.Domain.Metering;

public static class Meters
{
    public const string OffloadBytes = "offload.bytes";
    public const string OffloadSessions = "offload.sessions";
    public const string ComputeGpuSeconds = "compute.gpu_seconds";

    public const string Hotspot = "hotspot";
    public const string Rat = "rat";
    public const string GpuModel = "gpuModel";
    public const string Lease = "lease";
    public const string Provider = "provider";

    public static readonly MeterDefinition OffloadBytesMeter = new(OffloadBytes, Aggregation.Sum, Events.EventTypes.CarrierOffloadV1, [Hotspot, Rat]);
    public static readonly MeterDefinition OffloadSessionsMeter = new(OffloadSessions, Aggregation.Count, Events.EventTypes.CarrierOffloadV1, [Hotspot, Rat]);
    public static readonly MeterDefinition ComputeGpuSecondsMeter = new(ComputeGpuSeconds, Aggregation.Sum, Events.EventTypes.ComputeUsageV1, [GpuModel, Lease, Provider]);

    public static IReadOnlyList<MeterDefinition> All { get; } = [OffloadBytesMeter, OffloadSessionsMeter, ComputeGpuSecondsMeter];

    public static MeterDefinition? Find(string name) => All.FirstOrDefault(m => m.Name == name);
}
