using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;

namespace Billing.Tests.Shared;

/// <summary>
/// The one builder of sample usage events for every test project: <see cref="CarrierEvent"/> and
/// <see cref="ComputeEvent"/> hold the fields, these shortcuts cover the common cases. Events without a time are
/// relative to the real clock (the platform under test runs on TimeProvider.System).
/// </summary>
public static class SampleEvents
{
    private const string Base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    /// <summary>RFC 3339 UTC with whole seconds, as partners send it.</summary>
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A carrier session of 15 minutes ending at <paramref name="time"/> (default: ten minutes ago).</summary>
    public static JsonObject Carrier(string id, string hotspot, long up, long down, DateTimeOffset? time = null, string rat = "wlan", string source = "carrier-tmo") =>
        new CarrierEvent(id, hotspot, up, down, time ?? DateTimeOffset.UtcNow.AddMinutes(-10)) { RadioAccessTechnology = rat, Source = source }.ToJson();

    /// <summary>GPU usage of <paramref name="seconds"/> ending at <paramref name="end"/>.</summary>
    public static JsonObject Compute(string id, string lease, string gpuModel, int gpuCount, DateTimeOffset end, int seconds = 3600, string tenant = "tenant-lab") =>
        new ComputeEvent(id, lease, gpuModel, gpuCount, end) { Duration = TimeSpan.FromSeconds(seconds), Tenant = tenant }.ToJson();

    /// <summary>
    /// A valid hotspot key: base58 of 32 random bytes (first byte non-zero, so no leading '1's). Pass a seeded
    /// <paramref name="random"/> for a reproducible workload.
    /// </summary>
    public static string NewHotspot(Random? random = null)
    {
        var bytes = new byte[32];
        (random ?? Random.Shared).NextBytes(bytes);
        bytes[0] |= 1;
        var n = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var chars = new Stack<char>();
        while (n > 0)
        {
            chars.Push(Base58Alphabet[(int)(n % 58)]);
            n /= 58;
        }

        return new string([.. chars]);
    }
}
