using Billing.Domain.Events;
using Billing.Domain.Metering;
using Billing.Storage;

namespace Billing.Tests.Shared;

/// <summary>Usage facts as metering stores them, for tests that write the fact table directly (no event, no ingestion).</summary>
public static class SampleFacts
{
    /// <summary>The day a carrier fact falls on when no time is given.</summary>
    public static readonly DateTimeOffset Day = new(2026, 10, 20, 0, 0, 0, TimeSpan.Zero);

    /// <summary>An offload session of <paramref name="bytes"/>; without a time, a second of <see cref="Day"/> picked by the id.</summary>
    public static PendingFact Carrier(string id, long bytes, DateTimeOffset? time = null, string payer = "carrier-tmo", string hotspot = "hs-1")
    {
        var t = time ?? Day.AddSeconds(Math.Abs(id.GetHashCode(StringComparison.Ordinal)) % 86_400);
        var fact = new UsageFact
        {
            Source = payer, Id = id, Payer = payer, Type = EventTypes.CarrierOffloadV1, Time = t,
            ContentHash = $"{id}|{bytes}|{t.UtcTicks}", Hotspot = hotspot, Rat = "wlan", Bytes = bytes,
        };
        return new PendingFact(fact, $"{{\"id\":\"{id}\",\"bytes\":{bytes}}}");
    }

    /// <summary>A GPU interval posted by a provider and paid by <paramref name="tenant"/>: payer and source differ.</summary>
    public static PendingFact Compute(string id, string tenant, long gpuSeconds = 3600, string provider = "provider-nodeops", DateTimeOffset? time = null, string model = "H100")
    {
        var t = time ?? Day.AddHours(10);
        var fact = new UsageFact
        {
            Source = provider, Id = id, Payer = tenant, Type = EventTypes.ComputeUsageV1, Time = t,
            ContentHash = $"{id}|{tenant}|{gpuSeconds}|{t.UtcTicks}", GpuModel = model, Lease = "lease-1", Provider = provider, GpuSeconds = gpuSeconds,
        };
        return new PendingFact(fact, $"{{\"id\":\"{id}\",\"tenant\":\"{tenant}\"}}");
    }
}
