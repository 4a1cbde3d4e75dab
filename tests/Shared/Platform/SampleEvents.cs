using System.Globalization;
using System.Text.Json.Nodes;

namespace Billing.Tests.Shared;

/// <summary>Valid events relative to the real clock (the app runs on TimeProvider.System).</summary>
public static class SampleEvents
{
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static JsonObject Carrier(string id, string hotspot, long up, long down, DateTimeOffset? time = null, string rat = "wlan", string source = "carrier-tmo")
    {
        var t = time ?? DateTimeOffset.UtcNow.AddMinutes(-10);
        return new JsonObject
        {
            ["specversion"] = "1.0",
            ["type"] = "depin.carrier.offload.v1",
            ["source"] = source,
            ["id"] = id,
            ["time"] = Time(t),
            ["data"] = new JsonObject
            {
                ["sessionId"] = id,
                ["hotspotId"] = hotspot,
                ["radioAccessTechnology"] = rat,
                ["startTime"] = Time(t.AddMinutes(-15)),
                ["endTime"] = Time(t),
                ["uploadBytes"] = up,
                ["downloadBytes"] = down,
            },
        };
    }

    public static JsonObject Compute(string id, string lease, string gpuModel, int gpuCount, DateTimeOffset end, int seconds = 3600, string tenant = "tenant-lab")
    {
        return new JsonObject
        {
            ["specversion"] = "1.0",
            ["type"] = "depin.compute.usage.v1",
            ["source"] = "provider-nodeops",
            ["id"] = id,
            ["time"] = Time(end),
            ["data"] = new JsonObject
            {
                ["leaseId"] = lease,
                ["tenantId"] = tenant,
                ["providerId"] = "provider-nodeops",
                ["gpuModel"] = gpuModel,
                ["gpuCount"] = gpuCount,
                ["intervalStart"] = Time(end.AddSeconds(-seconds)),
                ["intervalEnd"] = Time(end),
            },
        };
    }
}
