namespace Billing.Publishing;

/// <summary>The hub an accepted usage event is published to; each event type has its own hub and metering function.</summary>
public enum UsageHub
{
    /// <summary><c>depin.carrier.offload.v1</c> events (hub <c>carrier-offload</c>, metered by MeterCarrierOffload).</summary>
    CarrierOffload,

    /// <summary><c>depin.compute.usage.v1</c> events (hub <c>compute-usage</c>, metered by MeterComputeUsage).</summary>
    ComputeUsage,

    /// <summary>Every declared type of <c>meters/*.json</c> (hub <c>declared-usage</c>, metered by MeterDeclaredUsage).</summary>
    DeclaredUsage,
}
