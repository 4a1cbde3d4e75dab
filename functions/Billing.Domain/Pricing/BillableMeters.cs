namespace Billing.Domain.Pricing;

/// <summary>Meters a price plan may reference, with the usage dimensions each one carries (from <see cref="Meters"/>).</summary>
public static class BillableMeters
{
    public const string OffloadBytes = Meters.OffloadBytes;
    public const string OffloadSessions = Meters.OffloadSessions;
    public const string ComputeGpuSeconds = Meters.ComputeGpuSeconds;

    /// <summary>Meter name → dimension names (the only dimensions a plan may price by).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Default =
        Meters.All.ToDictionary(m => m.Name, m => m.Dimensions, StringComparer.Ordinal);
}
