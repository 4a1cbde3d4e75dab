namespace Billing.Domain.Pricing;

/// <summary>Meters a price plan may reference, with the usage dimensions each one carries.</summary>
public static class BillableMeters
{
    public const string OffloadBytes = "offload.bytes";
    public const string OffloadSessions = "offload.sessions";
    public const string ComputeGpuSeconds = "compute.gpu_seconds";

    /// <summary>Meter name → dimension names (the only dimensions a plan may price by).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Default =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            [OffloadBytes] = ["hotspot", "rat"],
            [OffloadSessions] = ["hotspot", "rat"],
            [ComputeGpuSeconds] = ["gpuModel", "lease", "provider"],
        };
}
